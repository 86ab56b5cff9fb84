// The route wrapper: parse ▶ authorise ▶ call lib ▶ respond, with one error shape.
// Query parameters are validated with the given zod schema; `?format=csv` responses
// are produced with lib/http/csv.ts by the handler, and every export — made or refused —
// is written to the audit trail (`data.export`: who, which list, its filters, how many rows).

import { NextResponse } from 'next/server';
import { ZodError, type z } from 'zod';
import { authorize, type Permission, type Principal } from '../auth/authorize';
import { getRuntime, type Runtime } from '../runtime';
import { ApiError, errorResponse } from './errors';
import { actorOf, clientIp, recordAudit } from '../audit/record';
import { CSV_ROWS_HEADER } from './csv';

const EXPORT_IGNORES = ['limit', 'cursor', 'offset'];

/** An export in the audit trail: the list (path), its filters, the rows sent or why none were. */
async function auditExport(rt: Runtime, principal: Principal, req: Request, url: URL, outcome: { rows: number } | { refused: string }): Promise<void> {
  // an export holds every row whatever the page asked for: paging parameters are left out of
  // a made export's filters (a refused one keeps them all, they may be why)
  const paging = 'rows' in outcome ? EXPORT_IGNORES : [];
  const filters = Object.fromEntries([...url.searchParams.entries()].filter(([k]) => k !== 'format' && !paging.includes(k)));
  await recordAudit(rt.store, [{
    actor: actorOf(principal),
    action: 'data.export',
    target: url.pathname,
    outcome: 'rows' in outcome ? 'ok' : 'refused',
    details: { filters, ...outcome },
    ip: clientIp(req),
  }]);
}

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
    const url = new URL(req.url);
    let principal: Principal | undefined;
    let rt: Runtime | undefined;
    try {
      principal = await authorize(req, opts.permission);
      const raw = Object.fromEntries(url.searchParams.entries());
      const query = opts.query ? opts.query.parse(raw) : ({} as Q);
      const params = ((await ctx?.params) ?? {}) as P;
      rt = await getRuntime();
      const out = await fn({ req, query, params, rt, principal });
      if (out instanceof Response) {
        const rows = out.headers.get(CSV_ROWS_HEADER);
        if (rows !== null) await auditExport(rt, principal, req, url, { rows: Number(rows) });
        return out;
      }
      return NextResponse.json(out);
    } catch (err) {
      // an export that failed (over the row limit, bad filters, an error) is audited too, once the caller is known
      if (principal && url.searchParams.get('format') === 'csv') {
        const why = err instanceof ApiError ? err.code : err instanceof ZodError ? 'bad_request' : 'internal';
        await auditExport(rt ?? (await getRuntime()), principal, req, url, { refused: why }).catch((e) => console.error('[audit] failed export not recorded:', e));
      }
      return errorResponse(err);
    }
  };
}
