// GET /api/auth/oidc/callback?code&state: finishes the provider sign-in, starts a session
// and redirects to where the user was going (or back to /login with the reason).

import { NextResponse } from 'next/server';
import { getRuntime } from '@/lib/runtime';
import { ApiError } from '@/lib/http/errors';
import { finishOidc, OIDC_COOKIE } from '@/lib/auth/oidc';
import { readCookie, sessionCookies } from '@/lib/auth/session';
import { clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  const rt = await getRuntime();
  const origin = new URL(req.url).origin;
  try {
    const { user, next } = await finishOidc(rt.store, req, readCookie(req, OIDC_COOKIE));
    await recordAudit(rt.store, [{ actor: { id: user.id, name: user.username, role: user.role, via: 'session' }, action: 'auth.login', target: user.username, outcome: 'ok', details: { via: 'oidc' }, ip: clientIp(req) }]);
    const res = NextResponse.redirect(new URL(next, origin), 302);
    for (const c of sessionCookies(req, user.id).cookies) res.headers.append('set-cookie', c);
    res.headers.append('set-cookie', `${OIDC_COOKIE}=; Path=/api/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax`);
    return res;
  } catch (err) {
    const message = err instanceof ApiError ? err.message : 'sign-in failed';
    if (!(err instanceof ApiError)) console.error('[auth] OIDC callback failed:', err);
    await recordAudit(rt.store, [{ actor: { id: '', name: '', role: '', via: 'session' }, action: 'auth.login', outcome: 'refused', details: { via: 'oidc', message }, ip: clientIp(req) }]);
    return NextResponse.redirect(new URL(`/login?error=${encodeURIComponent(message)}`, origin), 302);
  }
}

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
