// Sign-in, sessions, API tokens and the audit trail through the real route handlers:
// rate-limited login, cookie flags, disabled users, token create/rotate/revoke (shown once),
// the bootstrap admin token, and an audit trail that records it all and that no code edits.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '@/lib/runtime';
import { BASE, params, req, signInAs, type Session } from '@/lib/testing/auth-requests';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-auth-'));
const BOOT = 'bootstrap-admin-token-0123456789';
process.env.CASHTRACE_DATA_DIR = dir;
process.env.CASHTRACE_CONNECTORS = 'off';
process.env.CASHTRACE_BOOTSTRAP_ADMIN_TOKEN = BOOT;
process.env.CASHTRACE_LOGIN_MAX_ATTEMPTS = '3';

let rt: Runtime;
let login: typeof import('./login/route');
let me: typeof import('./me/route');
let logout: typeof import('./logout/route');
let users: typeof import('../admin/users/route');
let user: typeof import('../admin/users/[id]/route');
let tokens: typeof import('../admin/tokens/route');
let token: typeof import('../admin/tokens/[id]/route');
let audit: typeof import('../audit/route');
let admin: Session;

const loginReq = (username: string, password: string, ip = '10.0.0.1') =>
  new Request(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ username, password }) });

beforeAll(async () => {
  const { getRuntime } = await import('@/lib/runtime');
  rt = await getRuntime();
  [login, me, logout, users, user, tokens, token, audit] = await Promise.all([
    import('./login/route'),
    import('./me/route'),
    import('./logout/route'),
    import('../admin/users/route'),
    import('../admin/users/[id]/route'),
    import('../admin/tokens/route'),
    import('../admin/tokens/[id]/route'),
    import('../audit/route'),
  ]);
  admin = await signInAs(login.POST, 'admin');
});
afterAll(async () => {
  await rt.shutdown();
  await rt.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('sign-in', () => {
  it('sets a signed HttpOnly SameSite=Lax session cookie with an expiry, and a CSRF cookie', async () => {
    const { demoCredentials } = await import('@/lib/auth/bootstrap');
    const fin = demoCredentials().find((c) => c.role === 'finance')!;
    const res = await login.POST(loginReq(fin.username, fin.password));
    expect(res.status).toBe(200);
    const [session, csrf] = res.headers.getSetCookie();
    expect(session).toMatch(/^ct_session=[\w-]+\.[\w-]+; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly$/);
    expect(csrf).toMatch(/^ct_csrf=[\w-]+; Path=\/; Max-Age=\d+; SameSite=Lax$/);
    const cookie = `${session.split(';')[0]}; ${csrf.split(';')[0]}`;
    const body = (await (await me.GET(req('/api/auth/me', { headers: { cookie } }))).json()) as { user: { role: string }; permissions: string[] };
    expect(body.user.role).toBe('finance');
    expect(body.permissions).toContain('actions:write');
    expect(body.permissions).not.toContain('admin');
    // Demo passwords are stored as scrypt hashes, never in clear.
    const { getUserByUsername } = await import('@/lib/auth/users');
    expect((await getUserByUsername(rt.store, fin.username))!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('rate-limits failed attempts per user; the right password does not help while locked', async () => {
    for (let i = 0; i < 3; i++) expect((await login.POST(loginReq('pmo', 'wrong-password', `10.0.1.${i}`))).status).toBe(401);
    const locked = await login.POST(loginReq('pmo', 'wrong-password', '10.0.2.1'));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const { demoCredentials } = await import('@/lib/auth/bootstrap');
    const pmo = demoCredentials().find((c) => c.role === 'pmo')!;
    expect((await login.POST(loginReq('pmo', pmo.password, '10.0.2.2'))).status).toBe(429);
    // Unknown users get the same answer as wrong passwords.
    const unknown = await login.POST(loginReq('nobody', 'x', '10.0.3.1'));
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe('wrong username or password');
  });

  it('refuses a cross-site login post', async () => {
    const r = new Request(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"username":"admin","password":"x"}' });
    expect((await login.POST(r)).status).toBe(403);
  });
});

describe('admin: users and API tokens', () => {
  it('creates a user (password shown once) who can sign in; disabling them ends their access', async () => {
    const res = await users.POST(req('/api/admin/users', { method: 'POST', session: admin, body: { username: 'carol', role: 'it', reason: 'new IT engineer' } }));
    expect(res.status).toBe(201);
    const created = (await res.json()) as { user: { id: string }; password: string };
    expect(created.password.length).toBeGreaterThanOrEqual(12);
    const ok = await login.POST(loginReq('carol', created.password, '10.9.0.1'));
    expect(ok.status).toBe(200);
    const cookie = ok.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect((await me.GET(req('/api/auth/me', { headers: { cookie } }))).status).toBe(200);
    const dup = await users.POST(req('/api/admin/users', { method: 'POST', session: admin, body: { username: 'carol', role: 'it' } }));
    expect(dup.status).toBe(409);
    const off = await user.PATCH(req(`/api/admin/users/${created.user.id}`, { method: 'PATCH', session: admin, body: { disabled: true, reason: 'left' } }), params({ id: created.user.id }));
    expect(off.status).toBe(200);
    expect((await me.GET(req('/api/auth/me', { headers: { cookie } }))).status).toBe(401);
  });

  it('creates, rotates and revokes a token that acts with its owner’s role', async () => {
    const res = await tokens.POST(req('/api/admin/tokens', { method: 'POST', session: admin, body: { name: 'ci', user_id: 'usr_demo_executive' } }));
    expect(res.status).toBe(201);
    const { token: t1, api_token } = (await res.json()) as { token: string; api_token: { id: string; prefix: string } };
    expect(t1.startsWith(api_token.prefix)).toBe(true);
    const list = (await (await tokens.GET(req('/api/admin/tokens', { session: admin }))).json()) as { tokens: Record<string, unknown>[] };
    expect(JSON.stringify(list)).not.toContain(t1);
    const asToken = async (t: string) => me.GET(req('/api/auth/me', { bearer: t }));
    expect(((await (await asToken(t1)).json()) as { user: { role: string } }).user.role).toBe('executive');
    const rot = (await (await token.POST(req(`/api/admin/tokens/${api_token.id}`, { method: 'POST', session: admin }), params({ id: api_token.id }))).json()) as { token: string };
    expect((await asToken(t1)).status).toBe(401);
    expect((await asToken(rot.token)).status).toBe(200);
    await token.DELETE(req(`/api/admin/tokens/${api_token.id}`, { method: 'DELETE', session: admin }), params({ id: api_token.id }));
    expect((await asToken(rot.token)).status).toBe(401);
  });

  it('CASHTRACE_BOOTSTRAP_ADMIN_TOKEN is an admin API token', async () => {
    const r = await users.GET(req('/api/admin/users', { bearer: BOOT }));
    expect(r.status).toBe(200);
  });

  it('sign-out clears the cookies', async () => {
    const s = await signInAs(login.POST, 'it');
    const r = await logout.POST(req('/api/auth/logout', { method: 'POST', session: s }));
    expect(r.status).toBe(200);
    expect(r.headers.getSetCookie().every((c) => c.includes('Max-Age=0'))).toBe(true);
  });
});

describe('audit trail', () => {
  it('records who did what, why and the outcome; filters; exports CSV', async () => {
    const all = (await (await audit.GET(req('/api/audit?action=user.', { session: admin }))).json()) as { entries: { action: string; actor_name: string; reason: string; outcome: string; target: string }[] };
    expect(all.entries.map((e) => [e.action, e.actor_name, e.target, e.reason, e.outcome])).toEqual(
      expect.arrayContaining([
        ['user.create', 'admin', 'carol', 'new IT engineer', 'ok'],
        ['user.update', 'admin', 'carol', 'left', 'ok'],
      ]),
    );
    const refused = (await (await audit.GET(req('/api/audit?action=auth.login&outcome=rate_limited', { session: admin }))).json()) as { entries: { target: string }[] };
    expect(refused.entries.map((e) => e.target)).toContain('pmo');
    const csv = await audit.GET(req('/api/audit?action=token.&format=csv', { session: admin }));
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('at,actor_name,actor_role,via,action,target,reason,outcome,details,ip,id');
    expect(lines.slice(1).map((l) => l.split(',')[4])).toEqual(expect.arrayContaining(['token.create', 'token.rotate', 'token.revoke', 'token.bootstrap']));
  });

  it('no code path edits or deletes the audit trail', () => {
    const grep = spawnSync('grep', ['-rlniE', '(ALTER|DELETE|UPDATE|TRUNCATE|DROP)[^;]{0,40}audit_log', 'lib', 'app', 'collectors', '--include=*.ts', '--include=*.tsx'], { encoding: 'utf8' });
    expect(grep.status, grep.stdout).toBe(1); // grep: 1 = no match
    expect(fs.readFileSync('lib/audit/record.ts', 'utf8')).toContain("insertJsonEachRow('audit_log'");
  });
});

describe('admin: ingest tokens', () => {
  it('creates a scoped ingest token the events endpoint accepts, rotates and revokes it', async () => {
    const create = await import('../admin/ingest-tokens/route');
    const one = await import('../admin/ingest-tokens/[id]/route');
    const ingest = await import('../ingest/events/route');
    const send = (t: string) =>
      ingest.POST(new Request(`${BASE}/api/ingest/events`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify([{ event_id: `it-${Math.random()}`, source: 'crm', type: 'opportunity.won', occurred_at: '2026-03-02T09:00:00Z', entity_type: 'opportunity', entity_id: 'OPP-IT' }]) }));
    const mk = async (scope: string) => {
      const r = await create.POST(req('/api/admin/ingest-tokens', { method: 'POST', session: admin, body: { name: `feed ${scope}`, scope } }));
      expect(r.status).toBe(201);
      return (await r.json()) as { token: string; ingest_token: { id: string } };
    };
    const events = await mk('events');
    const stripeOnly = await mk('stripe');
    expect((await send(events.token)).status).toBe(202);
    expect((await send(stripeOnly.token)).status).toBe(401);
    expect((await send('ct_ingest_made-up')).status).toBe(401);
    const rotated = (await (await one.POST(req(`/api/admin/ingest-tokens/${events.ingest_token.id}`, { method: 'POST', session: admin }), params({ id: events.ingest_token.id }))).json()) as { token: string };
    expect((await send(events.token)).status).toBe(401);
    expect((await send(rotated.token)).status).toBe(202);
    await one.DELETE(req(`/api/admin/ingest-tokens/${events.ingest_token.id}`, { method: 'DELETE', session: admin }), params({ id: events.ingest_token.id }));
    expect((await send(rotated.token)).status).toBe(401);
    expect((await send(rt.ingestToken)).status).toBe(202);
    const list = (await (await create.GET(req('/api/admin/ingest-tokens', { session: admin }))).json()) as { tokens: { revoked_at: string | null }[] };
    expect(list.tokens.filter((t) => t.revoked_at).length).toBe(1);
    expect(JSON.stringify(list)).not.toContain(rotated.token);
  });
});

describe('admin: settings in force', () => {
  it('lists the reporting currency and its rates, KPI targets and calendars as configured', async () => {
    const settings = await import('../admin/settings/route');
    const { resetEnvForTests } = await import('@/lib/env');
    const read = async () => {
      const r = await settings.GET(req('/api/admin/settings', { session: admin }), params({}));
      expect(r.status).toBe(200);
      return (await r.json()) as import('@/lib/contracts/settings').SettingsResponse;
    };
    const built = await read();
    expect(built.reporting_currency).toBe('EUR');
    expect(built.fx_rates.find((r) => r.currency === 'EUR')).toEqual({ currency: 'EUR', rate: 1, source: 'reporting currency', default_rate: 1, set: null });
    expect(built.fx_rates.find((r) => r.currency === 'USD')).toEqual({ currency: 'USD', rate: 0.9, source: 'built in', default_rate: 0.9, set: null });
    expect(built.kpi_targets.find((k) => k.id === 'dso')).toEqual({ id: 'dso', label: 'DSO', unit: 'days', better: 'lower', target: 45, built_in: 45, source: 'built in', default_target: 45, set: null });
    expect(built.calendars.file).toBeNull();
    expect(built.currencies_in_data).toEqual([]); // no event stored here
    process.env.CASHTRACE_REPORTING_CURRENCY = 'USD';
    process.env.CASHTRACE_FX_RATES = 'AUD=0.65';
    process.env.CASHTRACE_KPI_TARGETS = 'dso=60';
    resetEnvForTests();
    try {
      const set = await read();
      expect(set.reporting_currency).toBe('USD');
      expect(set.fx_rates.filter((r) => ['AUD', 'EUR', 'USD'].includes(r.currency)).map(({ currency, rate, source }) => ({ currency, rate, source }))).toEqual([
        { currency: 'AUD', rate: 0.65, source: 'CASHTRACE_FX_RATES' },
        { currency: 'EUR', rate: 1.11111111111, source: 'built in' },
        { currency: 'USD', rate: 1, source: 'reporting currency' },
      ]);
      expect(set.kpi_targets.find((k) => k.id === 'dso')).toMatchObject({ target: 60, built_in: 45, source: 'CASHTRACE_KPI_TARGETS', default_target: 60 });
      // other roles: refused (the role matrix checks every admin route as well)
      const { signInAs: as } = await import('@/lib/testing/auth-requests');
      const finance = await as(login.POST, 'finance');
      expect((await settings.GET(req('/api/admin/settings', { session: finance }), params({}))).status).toBe(403);
    } finally {
      delete process.env.CASHTRACE_REPORTING_CURRENCY;
      delete process.env.CASHTRACE_FX_RATES;
      delete process.env.CASHTRACE_KPI_TARGETS;
      resetEnvForTests();
    }
  });

  it('changes rates and KPI targets (admin only, audited, refused whole when invalid), a reset returning to the environment’s', async () => {
    const settings = await import('../admin/settings/route');
    const { resetEnvForTests } = await import('@/lib/env');
    const put = (body: unknown, session: Session = admin) => settings.PUT(req('/api/admin/settings', { method: 'PUT', session, body }), params({}));
    process.env.CASHTRACE_KPI_TARGETS = 'dso=60';
    resetEnvForTests();
    try {
      const r = await put({ fx_rates: { AUD: 0.61 }, kpi_targets: { dso: 50 } });
      expect(r.status).toBe(200);
      const s = (await r.json()) as import('@/lib/contracts/settings').SettingsResponse;
      expect(s.fx_rates.find((x) => x.currency === 'AUD')).toMatchObject({ rate: 0.61, source: 'set on /admin', default_rate: null, set: { updated_by: 'admin' } });
      expect(s.kpi_targets.find((k) => k.id === 'dso')).toMatchObject({ target: 50, source: 'set on /admin', default_target: 60, built_in: 45 });
      // in the audit trail, each entry before and after
      const a = await audit.GET(req('/api/audit?action=settings.update', { session: admin }), params({}));
      const entry = ((await a.json()) as { entries: { action: string; target: string; details: string }[] }).entries[0];
      expect(entry).toMatchObject({ action: 'settings.update', target: 'fx_rate:AUD,kpi_target:dso' });
      expect(JSON.parse(entry.details)).toEqual({ changes: [{ kind: 'fx_rate', key: 'AUD', set: 0.61, from: null, to: 0.61 }, { kind: 'kpi_target', key: 'dso', set: 50, from: 60, to: 50 }] });
      // invalid: 400 with every problem, nothing of it saved
      const bad = await put({ fx_rates: { AUD: 0.7, EUR: 2 }, kpi_targets: { traceability: 1.5 } });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { details: { issues: string[] } } }).error.details.issues).toEqual([
        'fx_rates.EUR: EUR is the reporting currency (CASHTRACE_REPORTING_CURRENCY): its rate is 1',
        'kpi_targets.traceability: 1.5: Traceability is a share from 0 to 1 (3% is 0.03) (as in CASHTRACE_KPI_TARGETS: traceability=2% or 0.02)',
      ]);
      expect((await put('not json' as unknown as object)).status).toBe(400);
      const { fxRates } = await import('@/lib/money/rates');
      expect(fxRates().AUD).toBe(0.61);
      // other roles: refused
      const { signInAs: as } = await import('@/lib/testing/auth-requests');
      expect((await put({ kpi_targets: { dso: 1 } }, await as(login.POST, 'finance'))).status).toBe(403);
      // reset: the environment's target again, the unpriced currency unpriced again
      const reset = (await (await put({ fx_rates: { AUD: null }, kpi_targets: { dso: null } })).json()) as import('@/lib/contracts/settings').SettingsResponse;
      expect(reset.fx_rates.find((x) => x.currency === 'AUD')).toBeUndefined();
      expect(reset.kpi_targets.find((k) => k.id === 'dso')).toMatchObject({ target: 60, source: 'CASHTRACE_KPI_TARGETS', set: null });
    } finally {
      delete process.env.CASHTRACE_KPI_TARGETS;
      resetEnvForTests();
    }
  });
});
