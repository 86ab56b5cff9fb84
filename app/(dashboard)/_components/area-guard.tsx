// A dashboard area a role may not read (lib/auth/areas.ts), reached by its address: one
// plain sentence saying so and why, instead of every panel failing with the API's 403.
import type { ReactNode } from 'react';
import { pageUser } from '@/lib/auth/current-user';
import { AREA_PERMISSION } from '@/lib/auth/areas';
import { hasPermission } from '@/lib/auth/role-matrix';

export async function AreaGuard({ area, title, children }: { area: keyof typeof AREA_PERMISSION; title: string; children: ReactNode }) {
  const user = await pageUser();
  const need = AREA_PERMISSION[area];
  if (user && need && !hasPermission(user.role, need)) {
    return (
      <div>
        <h1>{title}</h1>
        <div className="panel empty" data-testid="area-forbidden">
          {title} is not open to the {user.role} role (it needs {need}). An admin can give you a role that has it.
        </div>
      </div>
    );
  }
  return <>{children}</>;
}
