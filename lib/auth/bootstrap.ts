// Start-up of access control for a store: demo mode (seed one user per role, passwords
// kept beside the data and shown on the sign-in page), and the bootstrap admin token.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { env } from '../env';
import { ROLES, type Role } from './roles';
import { createToken, findToken, revokeToken } from './api-tokens';
import { randomPassword } from './passwords';
import { fileSecret } from './secrets';
import { createUser, getUserById, getUserByUsername } from './users';
import { recordAudit, SYSTEM_ACTOR } from '../audit/record';
import { ensureManagedCredentials } from './credentials-ready';
import { oncePer } from '../once';

export interface DemoCredential {
  username: string;
  password: string;
  role: Role;
}

const BOOTSTRAP_USER_ID = 'usr_bootstrap_admin';
const BOOTSTRAP_TOKEN_ID = 'tok_bootstrap';

/** Demo mode: CASHTRACE_DEMO when set; otherwise on while no local or OIDC user exists. */
export async function isDemoMode(store: Store): Promise<boolean> {
  const configured = env().CASHTRACE_DEMO;
  if (configured !== undefined) return configured;
  const rows = await store.query(
    sql`SELECT count() AS n FROM users FINAL WHERE origin IN ('local', 'oidc') AND disabled = 0`,
    z.object({ n: z.coerce.number() }),
  );
  return rows[0].n === 0;
}

/** The demo users' credentials (generated once per data directory). */
export function demoCredentials(): DemoCredential[] {
  const text = fileSecret('demo-users.json', () => JSON.stringify(ROLES.map((role) => ({ username: role, password: randomPassword(), role }))));
  return z.array(z.object({ username: z.string(), password: z.string(), role: z.enum(ROLES) })).parse(JSON.parse(text));
}

async function seedDemoUsers(store: Store): Promise<void> {
  for (const c of demoCredentials()) {
    if (await getUserByUsername(store, c.username)) continue;
    await createUser(store, { username: c.username, display_name: `Demo ${c.role}`, role: c.role, password: c.password, origin: 'demo', id: `usr_demo_${c.role}` });
  }
}

async function bootstrapAdminToken(store: Store, value: string): Promise<void> {
  if (!(await getUserById(store, BOOTSTRAP_USER_ID))) {
    await createUser(store, { id: BOOTSTRAP_USER_ID, username: 'bootstrap-admin', display_name: 'Bootstrap admin (automation)', role: 'admin', origin: 'system' });
  }
  if (await findToken(store, value)) return;
  await revokeToken(store, BOOTSTRAP_TOKEN_ID);
  await createToken(store, { id: BOOTSTRAP_TOKEN_ID, user_id: BOOTSTRAP_USER_ID, name: 'CASHTRACE_BOOTSTRAP_ADMIN_TOKEN', created_by: 'system', value });
  await recordAudit(store, [{ actor: SYSTEM_ACTOR, action: 'token.bootstrap', target: BOOTSTRAP_TOKEN_ID, outcome: 'ok', reason: 'CASHTRACE_BOOTSTRAP_ADMIN_TOKEN set at start' }]);
}

/** Idempotent per store (lib/once.ts: also across Next.js module copies); every authorisation awaits it once. */
export function ensureAuthReady(store: Store): Promise<void> {
  return oncePer(
    store,
    'authReady',
    async () => {
      if (await isDemoMode(store)) await seedDemoUsers(store);
      await ensureManagedCredentials(store);
      const t = env().CASHTRACE_BOOTSTRAP_ADMIN_TOKEN;
      if (t) await bootstrapAdminToken(store, t);
    },
    { retryOnFailure: true },
  );
}
