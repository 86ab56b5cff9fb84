'use client';
// The main navigation; one entry per area.

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { UserBadge } from './user-badge';

export const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/deals', label: 'Deals' },
  { href: '/stuck', label: 'Stuck work' },
  { href: '/sla', label: 'SLA' },
  { href: '/leakage', label: 'Leakage' },
  { href: '/finance', label: 'Finance' },
  { href: '/pmo', label: 'PMO' },
  { href: '/integrations', label: 'Integrations' },
  { href: '/variants', label: 'Variants' },
] as const;

export function Nav() {
  const path = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      <Link href="/" className="brand" data-testid="brand">
        <span className="brand-mark">₵</span> Cashtrace
      </Link>
      <ul>
        {NAV.map((n) => {
          const active = n.href === '/' ? path === '/' : path.startsWith(n.href);
          return (
            <li key={n.href}>
              <Link href={n.href} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
                {n.label}
              </Link>
            </li>
          );
        })}
      </ul>
      <UserBadge />
    </nav>
  );
}
