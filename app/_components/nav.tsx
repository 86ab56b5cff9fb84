'use client';
// The main navigation; one entry per area.

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { UserBadge } from './user-badge';
import { useMe } from './use-me';
import { AREA_PERMISSION } from '@/lib/auth/areas';

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
  const { data: me } = useMe();
  return (
    <nav className="nav" aria-label="Main">
      <Link href="/" className="brand" data-testid="brand">
        <span className="brand-mark">₵</span> Cashtrace
      </Link>
      <ul>
        {NAV.filter((n) => !me || !AREA_PERMISSION[n.href] || (me.permissions as string[]).includes(AREA_PERMISSION[n.href])).map((n) => {
          const active = n.href === '/' ? path === '/' : path.startsWith(n.href);
          return (
            <li key={n.href}>
              {/* no prefetch: ten routes fetched at every page load competed with the page's own data requests on the server (2 cores) */}
              <Link href={n.href} prefetch={false} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
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
