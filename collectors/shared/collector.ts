// The collector framework: one request handler shape for every vendor webhook.
// read raw bytes (size limit) ▶ verify signature or ingest token on those bytes, in
// constant time ▶ check content type ▶ parse and map to canonical events ▶ ingest
// (dedup on event_id, invalid items to dead letters) ▶ answer as the sender expects.

import { NextResponse } from 'next/server';
import type { CanonicalEventInput } from '@/lib/events/schema';
import { env } from '@/lib/env';
import { bearerToken } from '@/lib/http/auth-token';
import { ingestTokenValid } from '@/lib/auth/ingest-tokens';
import { ensureManagedCredentials } from '@/lib/auth/credentials-ready';
import { readBody } from '@/lib/http/body';
import { ApiError, errorResponse, errors } from '@/lib/http/errors';
import { recordDeadLetters } from '@/lib/ingest/dead-letters';
import { ingestEvents, type IngestResult } from '@/lib/ingest/pipeline';
import { getRuntime, type Runtime } from '@/lib/runtime';

export interface DeliveryContext {
  req: Request;
  url: URL;
  body: Buffer;
  contentType: string;
  now: Date;
  /** Form fields that came with the body (multipart uploads). */
  fields?: Record<string, string>;
}

/** An item of the delivery that could not be mapped (goes to dead letters, keeps its raw text). */
export interface InvalidItem {
  errors: string[];
  raw: string;
}

export interface Delivery {
  events: CanonicalEventInput[];
  invalid?: InvalidItem[];
  /** A delivery that carries no events by design (e.g. Xero's intent-to-receive). */
  handshake?: boolean;
  /** Where each item came from (e.g. file line numbers), index-aligned with events then invalid. */
  origins?: number[];
}

export interface Collector {
  /** Collector name: dead letters, metrics and the route path. */
  name: string;
  /** 'token': the ingest Bearer token; else a vendor signature check that throws a 401 ApiError. */
  verify: 'token' | ((ctx: DeliveryContext) => void);
  /** Replaces the Bearer check when `verify` is 'token' (e.g. a token in the URL for senders that cannot set headers). */
  tokenCheck?: (req: Request, rt: Runtime) => void;
  /** Accepted media types (without parameters); others get 415. */
  contentTypes: string[];
  /** Native bytes ▶ canonical events. Throws (ApiError 400 or any Error) when the body is malformed. */
  parse(ctx: DeliveryContext): Delivery;
  /** Async unpacking before parse (e.g. a multipart form into its file and fields). */
  unpack?(ctx: DeliveryContext): Promise<DeliveryContext>;
  /** The answer the sender expects; defaults to 200 JSON with the ingest result. */
  respond?(result: IngestResult, delivery: Delivery, ctx: DeliveryContext): Response;
  /** Answer for errors when the sender expects a particular shape (e.g. SOAP faults). */
  respondError?(err: ApiError, ctx: DeliveryContext): Response;
}

export interface HandlerOptions {
  runtime?: () => Promise<Runtime>;
}

export function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

export function verifyIngestToken(req: Request, rt: Runtime): void {
  const token = bearerToken(req);
  if (!token) throw errors.unauthorized('missing ingest token (Authorization: Bearer …)');
  if (!ingestTokenValid(rt, token)) throw errors.unauthorized('invalid ingest token');
}

/** A Next.js route handler (a plain Request ▶ Response function) for one collector. */
export function collectorHandler(collector: Collector, opts: HandlerOptions = {}) {
  const runtime = opts.runtime ?? getRuntime;
  return async function POST(req: Request): Promise<Response> {
    let ctx: DeliveryContext | null = null;
    try {
      const rt = await runtime();
      await ensureManagedCredentials(rt.store);
      const body = await readBody(req, env().CASHTRACE_MAX_BODY_BYTES);
      ctx = { req, url: new URL(req.url), body, contentType: req.headers.get('content-type') ?? '', now: new Date() };
      if (collector.verify === 'token') (collector.tokenCheck ?? verifyIngestToken)(req, rt);
      else collector.verify(ctx);
      const mt = mediaType(ctx.contentType);
      if (!collector.contentTypes.includes(mt)) {
        throw errors.unsupportedMediaType(`expected ${collector.contentTypes.join(' or ')}, got ${mt || 'no content type'}`);
      }
      let delivery: Delivery;
      try {
        delivery = collector.parse(collector.unpack ? await collector.unpack(ctx) : ctx);
      } catch (err) {
        // A malformed delivery is kept whole, with its raw bytes, for IT to inspect and replay.
        const message = err instanceof Error ? err.message : String(err);
        await recordDeadLetters(rt.store, [
          { collector: collector.name, reason: 'malformed', errors: [message], raw: body.toString('utf8'), content_type: ctx.contentType },
        ]);
        throw err instanceof ApiError ? err : errors.badRequest(`malformed ${collector.name} payload: ${message}`);
      }
      const result = await ingestDelivery(rt, collector.name, delivery, ctx);
      if (collector.respond) return collector.respond(result, delivery, ctx);
      return NextResponse.json(result, { status: 200 });
    } catch (err) {
      if (ctx && collector.respondError && err instanceof ApiError) return collector.respondError(err, ctx);
      return errorResponse(err);
    }
  };
}

export async function ingestDelivery(rt: Runtime, name: string, delivery: Delivery, ctx: DeliveryContext): Promise<IngestResult> {
  const invalid = delivery.invalid ?? [];
  if (delivery.events.length === 0 && invalid.length === 0) return { accepted: 0, duplicates: 0, rejected: [] };
  const receivedAt = ctx.now.toISOString();
  const items: unknown[] = delivery.events.map((e) => ({ received_at: receivedAt, ...e }));
  const preRejected = invalid.map((inv, i) => ({ index: items.length + i, errors: inv.errors, raw: inv.raw }));
  for (let i = 0; i < invalid.length; i++) items.push(undefined);
  return ingestEvents(rt, items, { collector: name, contentType: ctx.contentType, preRejected });
}

/** Parses JSON or throws a 400 naming the collector. */
export function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw errors.badRequest(`malformed ${what} JSON: ${(e as Error).message}`);
  }
}
