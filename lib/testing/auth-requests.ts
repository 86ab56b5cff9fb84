// Test helper: signed-in requests for route handlers called directly — sign in through the
// real login route, then build Requests carrying the session cookie and CSRF header.

import { ROLES, type Role } from '../auth/roles';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '../auth/session';
import { demoCredentials } from '../auth/bootstrap';

export const BASE = 'http://cashtrace.test';

export interface Session {
  role: Role;
  cookie: string;
  csrf: string;
}

type LoginHandler = (req: Request) => Promise<Response>;

export async function signInAs(login: LoginHandler, role: Role): Promise<Session> {
  const cred = demoCredentials().find((c) => c.role === role)!;
  const res = await login(
    new Request(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: cred.username, password: cred.password }) }),
  );
  if (res.status !== 200) throw new Error(`sign-in as ${role} failed: ${res.status} ${await res.text()}`);
  const set = res.headers.getSetCookie();
  const get = (name: string) => set.find((c) => c.startsWith(`${name}=`))!.split(';')[0];
  return { role, cookie: `${get(SESSION_COOKIE)}; ${get(CSRF_COOKIE)}`, csrf: decodeURIComponent(get(CSRF_COOKIE).split('=')[1]) };
}

export async function signInAll(login: LoginHandler): Promise<Record<Role, Session>> {
  const out = {} as Record<Role, Session>;
  for (const r of ROLES) out[r] = await signInAs(login, r);
  return out;
}

export function req(
  path: string,
  opts: { method?: string; session?: Session | null; csrf?: boolean; body?: unknown; headers?: Record<string, string>; bearer?: string } = {},
): Request {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.session) headers.cookie = opts.session.cookie;
  if (opts.session && opts.csrf !== false && method !== 'GET' && !(CSRF_HEADER in headers)) headers[CSRF_HEADER] = opts.session.csrf;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  return new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}

export function params<P extends Record<string, string>>(p: P): { params: Promise<P> } {
  return { params: Promise.resolve(p) };
}

export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, ms = 20_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
