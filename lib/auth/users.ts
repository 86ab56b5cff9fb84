// Users in ClickHouse: create, update (role, password, disable), look up. Every change
// writes a new version of the row (ReplacingMergeTree); reads use FINAL on this tiny table.

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { chTime } from '../ingest/rows';
import { ROLES, type Role } from './roles';
import { usernameSchema } from '../contracts/auth';
import { hashPassword } from './passwords';
import { assigneeRefusal, hasPermission } from './role-matrix';

export const userRowSchema = z.object({
  id: z.string(),
  username: z.string(),
  display_name: z.string(),
  role: z.enum(ROLES),
  password_hash: z.string(),
  origin: z.enum(['local', 'demo', 'oidc', 'system']),
  disabled: z.coerce.number().transform((n) => n === 1),
  created_at: z.string(),
  updated_at: z.string(),
});
export type UserRow = z.infer<typeof userRowSchema>;
export type PublicUser = Omit<UserRow, 'password_hash'>;

export { usernameSchema };

export function publicUser(u: UserRow): PublicUser {
  const { password_hash: _hidden, ...rest } = u;
  return rest;
}

const cache = new Map<string, { at: number; user: UserRow | null }>();
const CACHE_MS = 3_000;

async function writeUser(store: Store, u: UserRow): Promise<void> {
  cache.delete(u.id);
  await store.insertJsonEachRow(
    'users',
    JSON.stringify({ ...u, disabled: u.disabled ? 1 : 0, created_at: chTime(u.created_at), updated_at: chTime(u.updated_at), version: Date.now() * 1000 + (versionSeq++ % 1000) }),
  );
}
let versionSeq = 0;

export async function listUsers(store: Store): Promise<UserRow[]> {
  return store.query(sql`SELECT * EXCEPT (version) FROM users FINAL ORDER BY username`, userRowSchema);
}

/**
 * Why stuck items of `rule` (any rule when not given) may not be assigned to `user`, or null:
 * a disabled account or an automation one cannot take work, nor a role that may not work
 * the item (role-matrix.ts: assigneeRefusal).
 */
export function assignmentRefusal(user: UserRow, rule?: string, owner?: Role): string | null {
  if (user.disabled) return `${user.username} is disabled`;
  if (user.origin === 'system') return `${user.username} is an automation account, not a person to assign work to`;
  if (!hasPermission(user.role, 'actions:write')) return `${user.username} (${user.role}) may not take actions`;
  const why = rule ? assigneeRefusal(user.role, rule, owner) : null;
  return why && `${user.username} (${user.role}) may not be assigned this item: ${why}`;
}

export async function getUserById(store: Store, id: string): Promise<UserRow | null> {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.user;
  const rows = await store.query(sql`SELECT * EXCEPT (version) FROM users FINAL WHERE id = ${id}`, userRowSchema);
  const user = rows[0] ?? null;
  cache.set(id, { at: Date.now(), user });
  return user;
}

export async function getUserByUsername(store: Store, username: string): Promise<UserRow | null> {
  const rows = await store.query(sql`SELECT * EXCEPT (version) FROM users FINAL WHERE username = ${username.toLowerCase()} LIMIT 1`, userRowSchema);
  return rows[0] ?? null;
}

export async function createUser(
  store: Store,
  input: { username: string; display_name?: string; role: Role; password?: string; origin?: UserRow['origin']; id?: string },
): Promise<UserRow> {
  const username = usernameSchema.parse(input.username.toLowerCase());
  if (await getUserByUsername(store, username)) throw new UserExistsError(username);
  const now = new Date().toISOString();
  const u: UserRow = {
    id: input.id ?? `usr_${crypto.randomBytes(8).toString('hex')}`,
    username,
    display_name: input.display_name ?? username,
    role: input.role,
    password_hash: input.password ? await hashPassword(input.password) : '',
    origin: input.origin ?? 'local',
    disabled: false,
    created_at: now,
    updated_at: now,
  };
  await writeUser(store, u);
  return u;
}

export async function updateUser(
  store: Store,
  id: string,
  patch: { role?: Role; display_name?: string; password?: string; disabled?: boolean },
): Promise<UserRow | null> {
  cache.delete(id);
  const cur = await getUserById(store, id);
  if (!cur) return null;
  const next: UserRow = {
    ...cur,
    ...(patch.role ? { role: patch.role } : {}),
    ...(patch.display_name ? { display_name: patch.display_name } : {}),
    ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
    ...(patch.password ? { password_hash: await hashPassword(patch.password) } : {}),
    updated_at: new Date().toISOString(),
  };
  await writeUser(store, next);
  return next;
}

export class UserExistsError extends Error {
  constructor(readonly username: string) {
    super(`a user named ${username} already exists`);
  }
}
