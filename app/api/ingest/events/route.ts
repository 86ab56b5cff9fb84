// POST /api/ingest/events: canonical events as a JSON array or NDJSON, Bearer ingest token.
// 202 {accepted, duplicates, rejected} once the accepted events are durable; 400 when
// none is valid; 401 without a valid token; 413 over the size limit.

import { NextResponse } from 'next/server';
import { env } from '@/lib/env';
import { getRuntime, type Runtime } from '@/lib/runtime';
import { readBodyChunks, parseEventList, type EventList } from '@/lib/http/body';
import { errorResponse, errors } from '@/lib/http/errors';
import { bearerToken } from '@/lib/http/auth-token';
import { ingestTokenValid } from '@/lib/auth/ingest-tokens';
import { ensureManagedCredentials } from '@/lib/auth/credentials-ready';
import { ingestEvents, type IngestResult } from '@/lib/ingest/pipeline';
import { recordDeadLetters } from '@/lib/ingest/dead-letters';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  try {
    const rt = await getRuntime();
    await ensureManagedCredentials(rt.store);
    const token = bearerToken(req);
    if (!token || !ingestTokenValid(rt, token, 'events')) throw errors.unauthorized('a valid ingest token is required (Authorization: Bearer …)');
    const body = await readBodyChunks(req, env().CASHTRACE_MAX_BODY_BYTES);
    const result = await ingestBody(rt, body, req.headers.get('content-type') ?? 'application/json');
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

/**
 * Not async: nothing here holds the parsed items while their insert runs (an awaiting
 * frame would keep every local alive; see lib/ingest/rows). A body that cannot be parsed
 * at all is still kept, with the reason, for replay.
 */
function ingestBody(rt: Runtime, body: Buffer[], contentType: string): Promise<IngestResult> {
  let parsed: EventList;
  try {
    parsed = parseEventList(body, contentType);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return recordDeadLetters(rt.store, [{ collector: 'events', reason: 'malformed', errors: [reason], raw: Buffer.concat(body).toString('utf8'), content_type: contentType }]).then(() => {
      throw err;
    });
  }
  if (parsed.items.length === 0) throw errors.badRequest('no events in the request body');
  return ingestEvents(rt, parsed.items, { collector: 'events', contentType, preRejected: parsed.parseErrors, lines: parsed.lines });
}
