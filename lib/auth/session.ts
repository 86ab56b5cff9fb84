// Session cookies: a signed (HMAC-SHA256), expiring, HttpOnly, SameSite=Lax cookie that
// names the user, and the CSRF token bound to it (double submit: the readable ct_csrf
// cookie must come back in the X-CSRF-Token header of every state-changing request).

import crypto from 'node:crypto';
import { env } from '../env';
import { sessionSecret } from './secrets';

export const SESSION_COOKIE = 'ct_session';
export const CSRF_COOKIE = 'ct_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionClaims {
  sid: string;
  uid: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

function mac(data: string): string {
  return crypto.createHmac('sha256', sessionSecret()).update(data).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && crypto.timingSafeEqual(ba, bb);
}

export function signSession(uid: string, now = Date.now()): { value: string; claims: SessionClaims } {
  const claims: SessionClaims = {
    sid: crypto.randomBytes(16).toString('base64url'),
    uid,
    exp: Math.floor(now / 1000 + env().CASHTRACE_SESSION_TTL_HOURS * 3600),
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { value: `${body}.${mac(`session.${body}`)}`, claims };
}

export function verifySession(value: string | undefined, now = Date.now()): SessionClaims | null {
  if (!value) return null;
  const dot = value.indexOf('.');
  if (dot <= 0) return null;
  const body = value.slice(0, dot);
  if (!safeEqual(value.slice(dot + 1), mac(`session.${body}`))) return null;
  try {
    const c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionClaims;
    if (typeof c.uid !== 'string' || typeof c.sid !== 'string' || typeof c.exp !== 'number') return null;
    return c.exp * 1000 > now ? c : null;
  } catch {
    return null;
  }
}

/** The CSRF token of a session: derived from its id, so it cannot be guessed or reused across sessions. */
export function csrfTokenFor(sid: string): string {
  return mac(`csrf.${sid}`);
}

export function csrfValid(claims: SessionClaims, header: string | null): boolean {
  return !!header && safeEqual(header, csrfTokenFor(claims.sid));
}

export function readCookie(req: Request, name: string): string | undefined {
  const h = req.headers.get('cookie');
  if (!h) return undefined;
  for (const part of h.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

function isHttps(req: Request): boolean {
  return new URL(req.url).protocol === 'https:' || req.headers.get('x-forwarded-proto') === 'https';
}

function cookie(name: string, value: string, opts: { httpOnly: boolean; maxAge: number; secure: boolean }): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    `Max-Age=${opts.maxAge}`,
    'SameSite=Lax',
    ...(opts.httpOnly ? ['HttpOnly'] : []),
    ...(opts.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Set-Cookie headers that start a session (session + CSRF cookie). */
export function sessionCookies(req: Request, uid: string): { cookies: string[]; csrf: string; claims: SessionClaims } {
  const { value, claims } = signSession(uid);
  const maxAge = Math.max(0, claims.exp - Math.floor(Date.now() / 1000));
  const secure = isHttps(req);
  const csrf = csrfTokenFor(claims.sid);
  return {
    cookies: [cookie(SESSION_COOKIE, value, { httpOnly: true, maxAge, secure }), cookie(CSRF_COOKIE, csrf, { httpOnly: false, maxAge, secure })],
    csrf,
    claims,
  };
}

export function clearSessionCookies(req: Request): string[] {
  const secure = isHttps(req);
  return [cookie(SESSION_COOKIE, '', { httpOnly: true, maxAge: 0, secure }), cookie(CSRF_COOKIE, '', { httpOnly: false, maxAge: 0, secure })];
}

/** Origin check: a browser's cross-site request carries a foreign Origin; refuse it. */
export function originAllowed(req: Request): boolean {
  const origin = req.headers.get('origin');
  if (!origin || origin === 'null') return origin !== 'null';
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? new URL(req.url).host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
