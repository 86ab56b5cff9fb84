// POST /api/ingest/events: canonical events as a JSON array or NDJSON, Bearer ingest token.
// 202 {accepted, duplicates, rejected} once the accepted events are durable; 400 when
// none is valid; 401 without a valid token; 413 over the size limit.

import { NextResponse } from 'next/server';
import { env } from '@/lib/env';
import { getRuntime } from '@/lib/runtime';
import { readBodyChunks } from '@/lib/http/body';
import { errorResponse, errors } from '@/lib/http/errors';
import { bearerToken } from '@/lib/http/auth-token';
import { ingestTokenValid } from '@/lib/auth/ingest-tokens';
import { ensureManagedCredentials } from '@/lib/auth/credentials-ready';
import { ingestBody } from '@/lib/ingest/pipeline';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  try {
    const rt = await getRuntime();
    await ensureManagedCredentials(rt.store);
    const token = bearerToken(req);
    if (!token || !ingestTokenValid(rt, token, 'events')) throw errors.unauthorized('a valid ingest token is required (Authorization: Bearer …)');
    const body = await readBodyChunks(req, env().CASHTRACE_MAX_BODY_BYTES);
    // Parsed, validated and handed to the bus as it goes (lib/ingest/pipeline ingestBody).
    const result = await ingestBody(rt, body, { collector: 'events', contentType: req.headers.get('content-type') ?? 'application/json' });
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

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
