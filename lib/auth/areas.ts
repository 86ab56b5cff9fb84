// Dashboard areas behind a role-specific permission: the navigation hides them from roles
// the API would refuse, and their pages say so to a role that reaches them by address
// (app/(dashboard)/_components/area-guard.tsx). Client-safe: no server imports.

import type { Permission } from './roles';

export const AREA_PERMISSION: Readonly<Record<string, Permission>> = {
  '/leakage': 'leakage:read',
  '/finance': 'finance:read',
  '/pmo': 'pmo:read',
  '/integrations': 'integrations:read',
};
