// The route wrapper: parse ▶ authorise ▶ call lib ▶ respond, with one error shape.
// Query parameters are validated with the given zod schema; `?format=csv` responses
// are produced with lib/http/csv.ts by the handler.

import { NextResponse } from 'next/server';
import type { z } from 'zod';
import { authorize, type Permission, type Principal } from '../auth/authorize';
import { getRuntime, type Runtime } from '../runtime';
import { errorResponse } from './errors';

export interface RouteContext<Q, P> {
  req: Request;
  query: Q;
  params: P;
  rt: Runtime;
  principal: Principal;
}

export function route<Q = Record<string, never>, P = Record<string, string>>(
  opts: { permission: Permission | null; query?: z.ZodType<Q> },
  fn: (ctx: RouteContext<Q, P>) => Promise<Response | unknown>,
) {
  return async (req: Request, ctx?: { params?: Promise<P> }): Promise<Response> => {
    try {
      const principal = await authorize(req, opts.permission);
      const url = new URL(req.url);
      const raw = Object.fromEntries(url.searchParams.entries());
      const query = opts.query ? opts.query.parse(raw) : ({} as Q);
      const params = ((await ctx?.params) ?? {}) as P;
      const rt = await getRuntime();
      const out = await fn({ req, query, params, rt, principal });
      if (out instanceof Response) return out;
      return NextResponse.json(out);
    } catch (err) {
      return errorResponse(err);
    }
  };
}
