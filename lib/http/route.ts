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
import { onExportEnd, type ExportEnd } from './csv';

const EXPORT_IGNORES = ['limit', 'cursor', 'offset'];

/**
 * An export in the audit trail: the list (path), its filters, and the rows sent (`ok`), the
 * rows sent before the client left (`aborted`) or a read failed (`failed`), or why none were
 * (`refused`).
 */
async function auditExport(rt: Runtime, principal: Principal, req: Request, url: URL, outcome: ExportEnd | { refused: string }): Promise<void> {
  // an export holds every row whatever the page asked for: paging parameters are left out of
  // a made export's filters (a refused one keeps them all, they may be why)
  const paging = 'rows' in outcome ? EXPORT_IGNORES : [];
  const name = 'refused' in outcome ? 'refused' : 'failed' in outcome ? 'failed' : 'aborted' in outcome ? 'aborted' : 'ok';
  const details = 'refused' in outcome ? { refused: outcome.refused } : 'failed' in outcome ? { rows: outcome.rows, error: outcome.failed } : { rows: outcome.rows };
  const filters = Object.fromEntries([...url.searchParams.entries()].filter(([k]) => k !== 'format' && !paging.includes(k)));
  await recordAudit(rt.store, [{
    actor: actorOf(principal),
    action: 'data.export',
    target: url.pathname,
    outcome: name,
    details: { filters, ...details },
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
        // written as the export ends, before its last byte: the rows sent, or where it stopped
        const [r, p] = [rt, principal];
        onExportEnd(out, (end) => auditExport(r, p, req, url, end).catch((e) => console.error('[audit] export not recorded:', e)));
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
