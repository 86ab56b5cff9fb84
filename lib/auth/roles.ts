// Roles and permissions: the vocabulary of access control (re-exported by authorize.ts).

export const ROLES = ['executive', 'finance', 'pmo', 'it', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Every permission a route can require. The role matrix (role-matrix.ts) maps them to roles. */
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
