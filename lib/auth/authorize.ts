// Who is calling, and may they do this? The seam every route goes through.
// (Sign-in, roles and tokens are filled in by the access-control work; until then every
// caller is treated as an anonymous admin.)

export const ROLES = ['executive', 'finance', 'pmo', 'it', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Every permission a route can require. The role matrix lives with the access-control code. */
export const PERMISSIONS = [
  'kpis:read',
  'deals:read',
  'stuck:read',
  'sla:read',
  'sla:write',
  'leakage:read',
  'finance:read',
  'pmo:read',
  'integrations:read',
  'actions:write',
  'links:write',
  'audit:read',
  'admin',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface Principal {
  id: string;
  name: string;
  role: Role;
  via: 'session' | 'token' | 'anonymous';
}

export async function authorize(_req: Request, _permission: Permission | null): Promise<Principal> {
  return { id: 'anonymous', name: 'anonymous', role: 'admin', via: 'anonymous' };
}
