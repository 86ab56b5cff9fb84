import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { Nav } from '../_components/nav';
import { FreshnessBanner } from './_components/freshness-banner';
import { pageMe } from '@/lib/auth/current-user';
import { MeProvider } from '../_components/me-context';

// Every dashboard page needs a signed-in user; the APIs enforce roles on their own.
export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const me = await pageMe();
  if (!me) redirect('/login');
  // the user goes down with the page: role-aware controls render on the server, not one fetch later
  return (
    <MeProvider me={me}>
      <div className="shell">
        <Nav />
        <main className="main">
          <FreshnessBanner />
          {children}
        </main>
      </div>
    </MeProvider>
  );
}
