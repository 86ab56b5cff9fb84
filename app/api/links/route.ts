// POST /api/links: correct the link graph by hand. `merge` joins two records the data
// failed to link; `split` blocks a wrong link and re-stitches the deal without it.
// Both are recorded in link_overrides and in the audit trail.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { linkCorrectionSchema, type LinkCorrectionResult } from '@/lib/contracts/links';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const POST = route({ permission: 'links:write' }, async ({ req, rt, principal }): Promise<LinkCorrectionResult> => {
  let json: unknown;
  try {
    json = await req.json();
  } catch {
    throw errors.badRequest('body must be JSON: {"kind": "merge"|"split", "a", "b", "reason"}');
  }
  const body = linkCorrectionSchema.parse(json);
  if (body.a === body.b) throw errors.badRequest('a and b must be different records');
  // one writer for the whole correction: after a lost lease this process's writer is started afresh
  const writer = rt.writer;
  if (!writer) {
    const lost = rt.writerLost?.();
    throw errors.unavailable(lost ? `this process's ingest writer stopped (${lost}): try again once it writes again` : 'link corrections run where the ingest worker runs; this process has CASHTRACE_INGEST_WORKER=off');
  }
  const before = { a: writer.stitcher.resolve(body.a), b: writer.stitcher.resolve(body.b) };
  const result =
    body.kind === 'merge'
      ? (await writer.merge(body.a, body.b, principal.id, body.reason), { correlationIds: [writer.stitcher.resolve(body.a)] })
      : await writer.split(body.a, body.b, principal.id, body.reason);
  const after = { a: writer.stitcher.resolve(body.a), b: writer.stitcher.resolve(body.b) };
  await recordAudit(rt.store, [
    { actor: actorOf(principal), action: `link.${body.kind}`, target: `${body.a} ↔ ${body.b}`, reason: body.reason, outcome: 'done', details: { before, after }, ip: clientIp(req) },
  ]);
  return { kind: body.kind, before, after, deals: result.correlationIds };
});

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
