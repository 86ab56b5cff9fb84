import type { ReactNode } from 'react';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { Nav } from '../_components/nav';
import { FreshnessBanner } from './_components/freshness-banner';
import { pageUser } from '@/lib/auth/current-user';

// Every dashboard page needs a signed-in user; the APIs enforce roles on their own.
export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await pageUser(new Headers(await headers()));
  if (!user) redirect('/login');
  return (
    <div className="shell">
      <Nav />
      <main className="main">
        <FreshnessBanner />
        {children}
      </main>
    </div>
  );
}
