// Where the simulator's events go. A Sink takes a batch of canonical events and answers
// how the receiver counted them. The canonical sink POSTs NDJSON to /api/ingest/events;
// the native sink (native-sink.ts) renders each source's events in its vendor's format.
// Retries are safe: the same event_ids come again and the pipeline dedups them.

import type { CanonicalEvent } from '../../lib/events/schema';

export interface SinkResult {
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface Sink {
  readonly name: string;
  /**
   * `malformed`: what sources sent wrong (SimEvent.malformed), sent as they are through
   * the canonical endpoint (the integration hub's feed): the receiver rejects them.
   */
  send(events: CanonicalEvent[], malformed?: Record<string, unknown>[]): Promise<SinkResult>;
}

export class FatalSinkError extends Error {}

export interface HttpOptions {
  baseUrl: string;
  token: string;
  /** Attempts per request before giving up (connection errors, 5xx, 429). */
  attempts?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POST with retry and exponential backoff (250 ms doubling to 15 s) on connection errors,
 * 5xx and 429. 4xx other than 429 are answers, not failures: they are returned.
 */
export async function postWithRetry(url: string, init: { headers: Record<string, string>; body: string | Buffer }, opts: { attempts?: number; log?: (l: string) => void } = {}): Promise<Response> {
  const attempts = opts.attempts ?? 12;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    try {
      const res = await fetch(url, { method: 'POST', headers: init.headers, body: typeof init.body === 'string' ? init.body : new Uint8Array(init.body) });
      if (res.status < 500 && res.status !== 429) return res;
      reason = `HTTP ${res.status}`;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      reason = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
    if (attempt >= attempts) throw new Error(`POST ${url} failed after ${attempts} attempts: ${reason}`);
    opts.log?.(`[simulator] ${reason} from ${new URL(url).pathname}; retrying in ${delay} ms (attempt ${attempt + 1}/${attempts})`);
    await sleep(delay + Math.floor(Math.random() * delay * 0.2));
    delay = Math.min(delay * 2, 15_000);
  }
}

/** NDJSON to POST /api/ingest/events with the ingest token. */
export function canonicalSink(o: HttpOptions): Sink {
  const url = new URL('/api/ingest/events', o.baseUrl).toString();
  return {
    name: 'canonical',
    async send(events, malformed = []) {
      if (events.length + malformed.length === 0) return { accepted: 0, duplicates: 0, rejected: 0 };
      const body = [...events, ...malformed].map((e) => JSON.stringify(e)).join('\n');
      const res = await postWithRetry(url, { headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/x-ndjson' }, body }, o);
      const text = await res.text();
      if (res.status === 401 || res.status === 403) throw new FatalSinkError(`ingest refused the token (HTTP ${res.status}): check CASHTRACE_INGEST_TOKEN or <data dir>/ingest-token`);
      if (res.status === 413) throw new FatalSinkError('ingest batch too large (HTTP 413): lower the batch size');
      let parsed: { accepted?: number; duplicates?: number; rejected?: unknown[] } = {};
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`ingest answered HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
      }
      if (res.status === 400 && parsed.rejected === undefined) throw new FatalSinkError(`ingest refused the batch: ${text.slice(0, 300)}`);
      const rejected = Array.isArray(parsed.rejected) ? parsed.rejected.length : 0;
      // the malformed ones are meant to be rejected; any other rejection is worth a line
      if (rejected > malformed.length) o.log?.(`[simulator] ${rejected} events rejected (${malformed.length} sent malformed on purpose), e.g. ${JSON.stringify(parsed.rejected?.[0]).slice(0, 300)}`);
      return { accepted: parsed.accepted ?? 0, duplicates: parsed.duplicates ?? 0, rejected };
    },
  };
}

/** Counts per sink call (tests and dry runs). */
export function memorySink(): Sink & { events: CanonicalEvent[]; malformed: Record<string, unknown>[] } {
  const events: CanonicalEvent[] = [];
  const rejected: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  return {
    name: 'memory',
    events,
    malformed: rejected,
    async send(batch, malformed = []) {
      rejected.push(...malformed);
      let duplicates = 0;
      for (const e of batch) {
        if (seen.has(e.event_id)) duplicates++;
        else seen.add(e.event_id);
        events.push(e);
      }
      return { accepted: batch.length - duplicates, duplicates, rejected: malformed.length };
    },
  };
}
