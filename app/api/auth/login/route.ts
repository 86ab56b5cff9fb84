// POST /api/auth/login {username, password}: starts a session (signed HttpOnly cookie +
// CSRF cookie). 401 on wrong credentials, 429 when rate-limited, 400 when an OIDC provider
// replaces local users. Cross-site posts (foreign Origin) are refused.

import { NextResponse } from 'next/server';
import { getRuntime } from '@/lib/runtime';
import { env } from '@/lib/env';
import { errorResponse, errors } from '@/lib/http/errors';
import { readJson } from '@/lib/http/json';
import { loginRequestSchema } from '@/lib/contracts/auth';
import { signIn } from '@/lib/auth/login';
import { ensureAuthReady } from '@/lib/auth/bootstrap';
import { originAllowed, sessionCookies } from '@/lib/auth/session';
import { publicUser } from '@/lib/auth/users';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  try {
    if (!originAllowed(req)) throw errors.forbidden('cross-site request refused (Origin does not match)');
    if (env().CASHTRACE_OIDC_ISSUER) throw errors.badRequest('local sign-in is disabled: sign in with the identity provider (/api/auth/oidc/start)');
    const body = await readJson(req, loginRequestSchema, 16 * 1024);
    const rt = await getRuntime();
    await ensureAuthReady(rt.store);
    const user = await signIn(rt.store, req, body.username, body.password);
    const { cookies, csrf } = sessionCookies(req, user.id);
    const res = NextResponse.json({ user: publicUser(user), csrf_token: csrf });
    for (const c of cookies) res.headers.append('set-cookie', c);
    return res;
  } catch (err) {
    return errorResponse(err);
  }
}

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
