// The role matrix: which role holds which permission, and which actions each role may
// take on which targets and queues. The one table the server enforces on every route.

import { PERMISSIONS, type Permission, type Role } from './roles';
import { UNSTAFFED_QUEUE } from '../stuck/unstaffed';

/** Every permission mapped to the roles that hold it (admin holds all). */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  executive: ['kpis:read', 'deals:read', 'stuck:read', 'sla:read', 'leakage:read'],
  finance: ['kpis:read', 'deals:read', 'stuck:read', 'sla:read', 'leakage:read', 'finance:read', 'actions:write', 'links:write'],
  pmo: ['kpis:read', 'deals:read', 'stuck:read', 'sla:read', 'pmo:read', 'actions:write', 'links:write'],
  it: ['kpis:read', 'deals:read', 'stuck:read', 'sla:read', 'integrations:read', 'actions:write', 'links:write'],
  admin: PERMISSIONS,
};

/**
 * Every route under this path requires 'admin': users, API tokens, ingest tokens and
 * per-source signing secrets (app/api/role-matrix.test.ts checks each route it finds there).
 */
export const ADMIN_API_PREFIX = '/api/admin/';

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

/** Owner of each stuck rule (DOMAIN.md §5): whose queue its exceptions are in. */
export const RULE_OWNER: Record<string, Role> = {
  'approved-not-provisioned': 'pmo',
  'signed-not-in-erp': 'finance',
  'provisioned-not-billable': 'finance',
  'milestone-not-invoiced': 'finance',
  'time-not-billed': 'finance',
  'change-not-reflected': 'finance',
  'invoice-not-collected': 'finance',
  'payment-not-applied': 'finance',
  'sync-failed-unrecovered': 'it',
  // not a stuck rule: PMO's unstaffed projects (lib/stuck/unstaffed)
  [UNSTAFFED_QUEUE]: 'pmo',
};

/** Target systems each role may send re-sync / retry commands to. */
const SYNC_TARGETS: Record<Exclude<Role, 'admin' | 'executive'>, readonly string[] | 'any'> = {
  finance: ['erp', 'billing'],
  pmo: ['psa'],
  it: 'any',
};

export type ActionKind = 'resync' | 'retry' | 'replay' | 'acknowledge' | 'assign' | 'snooze' | 'resolve';

/**
 * Whether `role` may take an action of `kind` (on `target` for commands, on an exception of
 * `rule` for workflow changes: a stuck rule's, or an SLA policy's whose `owner` the caller
 * read from the policy). Returns the refusal reason, or null when allowed.
 */
export function actionRefusal(role: Role, kind: ActionKind, opts: { target?: string; rule?: string; owner?: Role }): string | null {
  if (role === 'admin') return null;
  if (!hasPermission(role, 'actions:write')) return `the ${role} role may not take actions`;
  const r = role as Exclude<Role, 'admin' | 'executive'>;
  if (kind === 'replay') return r === 'it' ? null : 'only IT (or an admin) may replay dead letters';
  if (kind === 'resync' || kind === 'retry') {
    if (kind === 'resync' && r === 'it') return null;
    const allowed = SYNC_TARGETS[r];
    if (allowed === 'any') return null;
    if (opts.target && allowed.includes(opts.target)) return null;
    return `the ${role} role may ${kind} only to ${allowed.join(', ')}`;
  }
  const owner = (opts.rule ? RULE_OWNER[opts.rule] : undefined) ?? opts.owner;
  if (!owner) return `unknown queue ${JSON.stringify(opts.rule ?? '')}; only an admin may change it`;
  return owner === r ? null : `exceptions of ${opts.rule} belong to the ${owner} queue`;
}

/**
 * Why a user of `role` may not be assigned items of `rule` (null when they may): whoever an
 * item is assigned to works it — acknowledges, snoozes, resolves it — so their role must be
 * allowed to. The server checks it on every assignment; the assign menus offer only those who pass.
 */
export function assigneeRefusal(role: Role, rule: string, owner?: Role): string | null {
  return actionRefusal(role, 'resolve', { rule, owner });
}
