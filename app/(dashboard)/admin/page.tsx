// /admin: users, personal API tokens, alert rules and the audit trail (admins only; the
// APIs behind it refuse every other role as well).
import { pageUser } from '@/lib/auth/current-user';
import { AdminView } from './_components/admin-view';

export const dynamic = 'force-dynamic';

export default async function AdminPage() {
  const user = await pageUser();
  if (user?.role !== 'admin') {
    return (
      <div className="panel empty" data-testid="admin-forbidden">
        Administration is for admins only.
      </div>
    );
  }
  return <AdminView selfId={user.id} />;
}
