// POST /api/auth/logout: ends the session (clears both cookies). CSRF-checked like every
// state-changing request.

import { NextResponse } from 'next/server';
import { route } from '@/lib/http/route';
import { clearSessionCookies } from '@/lib/auth/session';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const POST = route({ permission: null }, async ({ req, rt, principal }) => {
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'auth.logout', target: principal.name, outcome: 'ok', ip: clientIp(req) }]);
  const res = NextResponse.json({ ok: true });
  for (const c of clearSessionCookies(req)) res.headers.append('set-cookie', c);
  return res;
});

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
