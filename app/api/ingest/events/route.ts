// POST /api/ingest/events: canonical events as a JSON array or NDJSON, Bearer ingest token.
// 202 {accepted, duplicates, rejected} once the accepted events are durable; 400 when
// none is valid; 401 without a valid token; 413 over the size limit.

import { NextResponse } from 'next/server';
import { env } from '@/lib/env';
import { getRuntime } from '@/lib/runtime';
import { readBody, parseEventList } from '@/lib/http/body';
import { errorResponse, errors } from '@/lib/http/errors';
import { bearerToken } from '@/lib/http/auth-token';
import { ingestTokenValid } from '@/lib/auth/ingest-tokens';
import { ensureManagedCredentials } from '@/lib/auth/credentials-ready';
import { ingestEvents } from '@/lib/ingest/pipeline';
import { recordDeadLetters } from '@/lib/ingest/dead-letters';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  try {
    const rt = await getRuntime();
    await ensureManagedCredentials(rt.store);
    const token = bearerToken(req);
    if (!token || !ingestTokenValid(rt, token, 'events')) throw errors.unauthorized('a valid ingest token is required (Authorization: Bearer …)');
    const body = await readBody(req, env().CASHTRACE_MAX_BODY_BYTES);
    const contentType = req.headers.get('content-type') ?? 'application/json';
    let parsed: ReturnType<typeof parseEventList>;
    try {
      parsed = parseEventList(body, contentType);
    } catch (err) {
      // A body that cannot be parsed at all is still kept, with the reason, for replay.
      const reason = err instanceof Error ? err.message : String(err);
      await recordDeadLetters(rt.store, [{ collector: 'events', reason: 'malformed', errors: [reason], raw: body.toString('utf8'), content_type: contentType }]);
      throw err;
    }
    const { items, parseErrors, lines } = parsed;
    if (items.length === 0) throw errors.badRequest('no events in the request body');
    const result = await ingestEvents(rt, items, { collector: 'events', contentType, preRejected: parseErrors.map((p) => ({ ...p })), lines });
    if (result.accepted === 0 && result.duplicates === 0) {
      return NextResponse.json(
        { error: { code: 'bad_request', message: 'no valid events in the request', details: result.rejected }, ...result },
        { status: 400 },
      );
    }
    return NextResponse.json(result, { status: 202 });
  } catch (err) {
    return errorResponse(err);
  }
}
