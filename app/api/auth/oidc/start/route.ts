// GET /api/auth/oidc/start?next=/path: redirects to the identity provider (code flow + PKCE).

import { NextResponse } from 'next/server';
import { errorResponse } from '@/lib/http/errors';
import { startOidc } from '@/lib/auth/oidc';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  try {
    const next = new URL(req.url).searchParams.get('next') ?? '/';
    const { url, cookie } = await startOidc(req, next);
    const res = NextResponse.redirect(url, 302);
    res.headers.append('set-cookie', cookie);
    return res;
  } catch (err) {
    return errorResponse(err);
  }
}

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
