import type { ReactNode } from 'react';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { Nav } from '../_components/nav';
import { sessionUser } from '@/lib/auth/current-user';
import { SESSION_COOKIE } from '@/lib/auth/session';

// Every dashboard page needs a signed-in user; the APIs enforce roles on their own.
export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await sessionUser((await cookies()).get(SESSION_COOKIE)?.value);
  if (!user) redirect('/login');
  return (
    <div className="shell">
      <Nav />
      <main className="main">{children}</main>
    </div>
  );
}
