// The role matrix, enforced by the server on every route: each app/**/route.ts found at
// test time (so new routes are covered) is called by every role — with a session (and its
// CSRF token on state-changing methods) and with a personal API token — and with missing,
// forged and expired sessions, without the CSRF token and from a foreign origin. The
// permission each handler requires is read from its `route({ permission })` declaration
// and checked against lib/auth/role-matrix.ts.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Permission, type Role } from '@/lib/auth/roles';
import type { Runtime } from '@/lib/runtime';
import { params, req, signInAll, type Session } from '@/lib/testing/auth-requests';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-matrix-'));
process.env.CASHTRACE_DATA_DIR = dir;
process.env.CASHTRACE_CONNECTORS = 'off';

const APP = path.resolve(__dirname, '..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Routes outside sessions: health, metrics, ingest (own tokens / signatures), OTLP, sign-in. */
const PUBLIC = /^\/api\/(health|metrics)$|^\/api\/ingest\/|^\/v1\/|^\/api\/auth\/(login|oidc\/)/;

interface RouteCase {
  file: string;
  url: string;
  params: Record<string, string>;
  method: (typeof METHODS)[number];
  /** undefined: not declared through route(); null: any signed-in user. */
  permission: Permission | null | undefined;
}

function findRoutes(d: string): string[] {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return e.name.startsWith('_') || e.name === 'node_modules' ? [] : findRoutes(p);
    return e.name === 'route.ts' ? [p] : [];
  });
}

function cases(): RouteCase[] {
  return findRoutes(APP).flatMap((file) => {
    const rel = path.relative(APP, path.dirname(file)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
    const p: Record<string, string> = {};
    const url = '/' + rel.map((s) => (/^\[.*\]$/.test(s) ? ((p[s.replace(/[[\].]/g, '')] = 'missing-0000'), 'missing-0000') : s)).join('/');
    const src = fs.readFileSync(file, 'utf8');
    return METHODS.filter((m) => new RegExp(`export (const|async function) ${m}\\b`).test(src)).map((method) => {
      const m = new RegExp(`export const ${method} = route(?:<[^(]*>)?\\(\\s*\\{\\s*permission:\\s*(?:'([a-z:]+)'|(null))`).exec(src);
      return { file, url, params: p, method, permission: m ? (m[2] ? null : (m[1] as Permission)) : undefined };
    });
  });
}

const ALL = cases();
let rt: Runtime;
let sessions: Record<Role, Session>;
const tokens = {} as Record<Role, string>;
let hasPermission: (r: Role, p: Permission) => boolean;

type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>;
async function handler(c: RouteCase): Promise<Handler> {
  const mod = (await import(/* @vite-ignore */ c.file)) as Record<string, Handler>;
  return mod[c.method];
}
async function call(c: RouteCase, opts: Parameters<typeof req>[1]): Promise<number> {
  const h = await handler(c);
  const body = c.method === 'GET' || c.method === 'DELETE' ? undefined : {};
  const res = await h(req(c.url, { method: c.method, body, ...opts }), params(c.params));
  return res.status;
}

beforeAll(async () => {
  const { getRuntime } = await import('@/lib/runtime');
  rt = await getRuntime();
  ({ hasPermission } = await import('@/lib/auth/role-matrix'));
  const login = await import('./auth/login/route');
  sessions = await signInAll(login.POST);
  const { createToken } = await import('@/lib/auth/api-tokens');
  for (const r of ROLES) tokens[r] = (await createToken(rt.store, { user_id: `usr_demo_${r}`, name: `matrix ${r}`, created_by: 'test' })).token;
});
afterAll(async () => {
  await rt.shutdown();
  await rt.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('every route', () => {
  it('finds the routes and reads their permissions', () => {
    expect(ALL.length).toBeGreaterThan(15);
    expect(ALL.find((c) => c.url === '/api/actions' && c.method === 'POST')?.permission).toBe('actions:write');
    expect(ALL.find((c) => c.url === '/api/audit')?.permission).toBe('audit:read');
  });

  it('every admin API route requires the admin permission (signing secrets and ingest tokens included)', async () => {
    const { ADMIN_API_PREFIX } = await import('@/lib/auth/role-matrix');
    const admin = ALL.filter((c) => c.url.startsWith(ADMIN_API_PREFIX));
    expect(admin.filter((c) => c.permission !== 'admin').map((c) => `${c.method} ${c.url}`)).toEqual([]);
    const seen = admin.map((c) => `${c.method} ${c.url}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'GET /api/admin/signing-secrets',
        'POST /api/admin/signing-secrets',
        'POST /api/admin/signing-secrets/missing-0000',
        'DELETE /api/admin/signing-secrets/missing-0000',
        'GET /api/admin/ingest-tokens',
        'POST /api/admin/ingest-tokens/missing-0000',
        'GET /api/admin/settings',
        'PUT /api/admin/settings',
      ]),
    );
  });

  const guarded = ALL.filter((c) => !PUBLIC.test(c.url));
  it.each(guarded.map((c) => [`${c.method} ${c.url}`, c] as const))('%s refuses missing, forged and expired sessions', async (_n, c) => {
    expect(await call(c, {})).toBe(401);
    const forged = { role: 'admin' as Role, cookie: `ct_session=${Buffer.from(JSON.stringify({ sid: 'x', uid: 'usr_demo_admin', exp: 4102444800 })).toString('base64url')}.AAAA`, csrf: 'AAAA' };
    expect(await call(c, { session: forged })).toBe(401);
    const { signSession } = await import('@/lib/auth/session');
    const expired = signSession('usr_demo_admin', Date.now() - 30 * 86_400_000).value;
    expect(await call(c, { session: { role: 'admin', cookie: `ct_session=${expired}`, csrf: 'x' } })).toBe(401);
    expect(await call(c, { bearer: 'ct_pat_not-a-real-token' })).toBe(401);
  });

  const declared = guarded.filter((c) => c.permission !== undefined);
  it.each(declared.map((c) => [`${c.method} ${c.url} (${c.permission ?? 'signed in'})`, c] as const))('%s: each role allowed or refused as the matrix says', async (_n, c) => {
    for (const role of ROLES) {
      const allowed = c.permission === null || hasPermission(role, c.permission!);
      const viaSession = await call(c, { session: sessions[role] });
      const viaToken = await call(c, { bearer: tokens[role] });
      for (const [via, status] of [['session', viaSession], ['token', viaToken]] as const) {
        if (allowed) expect([401, 403], `${role} via ${via} should pass, got ${status}`).not.toContain(status);
        else expect(status, `${role} via ${via} should be refused`).toBe(403);
        expect(status, `${role} via ${via}`).not.toBe(500);
      }
      if (c.method !== 'GET') {
        expect(await call(c, { session: sessions[role], csrf: false }), `${role} without CSRF token`).toBe(403);
        const other = role === 'admin' ? sessions.finance : sessions.admin;
        expect(await call(c, { session: sessions[role], headers: { 'x-csrf-token': other.csrf } }), `${role} with another session's CSRF token`).toBe(403);
        expect(await call(c, { session: sessions[role], headers: { origin: 'https://evil.example' } }), `${role} cross-site`).toBe(403);
      }
    }
  });
});

describe('hostile query parameters', () => {
  // Values a loose check lets through and the engine fails on (a day that does not exist, a
  // year it cannot hold), and others no check expects: found by fuzzing the demo's routes,
  // where from=2026-02-30 answered 500 on twelve of them. Every GET route, as admin.
  const HOSTILE = ['from=2026-02-30', 'to=2026-13-45', 'from=1899-12-31', 'to=2300-01-01', 'now=0001-01-01T00:00:00Z', 'now=2026-03-01T24:00:00Z', 'limit=1e309', 'limit=-1', 'cursor=WyJ4IiwieCIsIngiLCJ4Il0', `q=${'x'.repeat(3000)}`, 'q=%00', 'format=csv&from=2026-02-30'];
  const gets = ALL.filter((c) => c.method === 'GET' && c.permission !== undefined);
  it.each(gets.map((c) => [c.url, c] as const))('GET %s answers each with 2xx or 4xx, never 5xx', async (_n, c) => {
    for (const q of HOSTILE) expect(await call({ ...c, url: `${c.url}?${q}` }, { session: sessions.admin }), q).toBeLessThan(500);
  });

  // Bodies no route expects, sent to every state-changing route as admin with its CSRF token
  // (the demo fuzz sent these and hostile values in each field: write routes answered 4xx).
  const deep = '['.repeat(20_000) + ']'.repeat(20_000);
  const BODIES = ['not json', '', 'null', '[]', '"x"', '1e309', deep, JSON.stringify({ reason: { a: [1] }, kind: ['x'], name: 'x'.repeat(100_000) })];
  // (not sign-out: it reads no body, and would end the session the other tests use)
  const writes = ALL.filter((c) => c.method !== 'GET' && c.permission !== undefined && c.url !== '/api/auth/logout');
  it.each(writes.map((c) => [`${c.method} ${c.url}`, c] as const))('%s answers hostile bodies with 4xx, never 5xx', async (_n, c) => {
    const h = await handler(c);
    for (const [i, body] of BODIES.entries()) {
      const signed = req(c.url, { method: c.method, session: sessions.admin, headers: { 'idempotency-key': `hostile-${i}` } });
      const res = await h(new Request(signed.url, { method: c.method, headers: { ...Object.fromEntries(signed.headers), 'content-type': 'application/json' }, body }), params(c.params));
      expect(res.status, body.slice(0, 40)).toBeLessThan(500);
      expect(res.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400); // none of them is a valid request
    }
  });
});

describe('action scope by role (cross-role actions)', () => {
  const matrix: [Role, Record<string, unknown>, number][] = [
    ['executive', { kind: 'resync', target: 'erp', entity_key: 'psa:milestone:MS-9' }, 403],
    ['finance', { kind: 'resync', target: 'erp', entity_key: 'psa:milestone:MS-9' }, 201],
    ['finance', { kind: 'resync', target: 'psa', entity_key: 'clm:contract:C-9' }, 403],
    ['pmo', { kind: 'resync', target: 'psa', entity_key: 'clm:contract:C-9' }, 201],
    ['pmo', { kind: 'resync', target: 'erp', entity_key: 'psa:milestone:MS-9' }, 403],
    ['it', { kind: 'retry', target: 'erp', entity_key: 'psa:milestone:MS-9' }, 201],
    ['it', { kind: 'acknowledge', exception_id: 'milestone-not-invoiced:psa:milestone:MS-9' }, 403],
    ['it', { kind: 'acknowledge', exception_id: 'sync-failed-unrecovered:psa:milestone:MS-9' }, 201],
    ['finance', { kind: 'acknowledge', exception_id: 'sync-failed-unrecovered:psa:milestone:MS-9' }, 403],
    ['pmo', { kind: 'snooze', exception_id: 'approved-not-provisioned:clm:contract:C-9', until: '2099-01-01T00:00:00Z' }, 201],
    ['finance', { kind: 'replay', dead_letter_id: '00000000-0000-4000-8000-000000000000' }, 403],
    ['admin', { kind: 'resolve', exception_id: 'payment-not-applied:payments:payment:P-9', resolution_code: 'duplicate' }, 201],
  ];
  it.each(matrix.map(([r, b, s], i) => [`${r} ${b.kind} ${b.target ?? b.exception_id ?? ''}`, r, b, s, i] as const))('%s', async (_n, role, body, expected, i) => {
    const { POST } = await import('./actions/route');
    const res = await POST(req('/api/actions', { method: 'POST', session: sessions[role], body: { ...body, reason: 'matrix' }, headers: { 'idempotency-key': `matrix-${i}` } }));
    expect(res.status, await res.clone().text()).toBe(expected);
  });

  it('refused actions are in the audit trail', async () => {
    const { getAuditLog } = await import('@/lib/queries/get-audit-log');
    const refused = await getAuditLog(rt.store, { outcome: 'refused', action: 'action.' });
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expect(refused.every((r) => r.reason === 'matrix')).toBe(true);
  });
});
