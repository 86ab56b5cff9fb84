// /admin: users, personal API tokens, alert rules and the audit trail (admins only; the
// APIs behind it refuse every other role as well).
import { cookies } from 'next/headers';
import { sessionUser } from '@/lib/auth/current-user';
import { SESSION_COOKIE } from '@/lib/auth/session';
import { AdminView } from './_components/admin-view';

export const dynamic = 'force-dynamic';

export default async function AdminPage() {
  const user = await sessionUser((await cookies()).get(SESSION_COOKIE)?.value);
  if (user?.role !== 'admin') {
    return (
      <div className="panel empty" data-testid="admin-forbidden">
        Administration is for admins only.
      </div>
    );
  }
  return <AdminView selfId={user.id} />;
}
