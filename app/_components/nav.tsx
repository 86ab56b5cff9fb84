'use client';
// The main navigation; one entry per area. Stuck work carries how many items assigned to the
// signed-in user need work (for those who take actions: stuck items, and for PMO readers their
// unstaffed projects), SLA how many open breaches of policies of one's own, so work given to
// someone finds them.

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { UserBadge } from './user-badge';
import { useMe } from './use-me';
import { AREA_PERMISSION } from '@/lib/auth/areas';
import { useMyWork } from '@/app/_hooks/use-views';
import { formatCount, formatMoney } from '@/lib/money/format';

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
  const { data: mine } = useMyWork(me?.permissions.includes('actions:write') ? me.user.username : null, !!me?.permissions.includes('pmo:read'));
  const myItems = mine ? mine.stuck + mine.unstaffed : 0;
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
                {n.href === '/sla' && mine && mine.breaches > 0 && (
                  <span className="nav-count" data-testid="nav-my-breaches" title={`${formatCount(mine.breaches)} open breach(es) of SLA policies of one's own assigned to you need work: on /sla, "Assigned to me"`}>
                    {formatCount(mine.breaches)}
                  </span>
                )}
                {n.href === '/stuck' && mine && myItems > 0 && (
                  <span
                    className="nav-count"
                    data-testid="nav-my-work"
                    title={`${formatCount(myItems)} item(s) assigned to you need work: ${formatCount(mine.stuck)} stuck (${formatMoney(mine.value, mine.currency)})${mine.unstaffed ? `, ${formatCount(mine.unstaffed)} unstaffed project(s) on /pmo` : ''}`}
                  >
                    {formatCount(myItems)}
                  </span>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
      <UserBadge />
    </nav>
  );
}
