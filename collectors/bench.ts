// Collector throughput for the bench runner (bench/). Two measures on the same events:
// - benchCollectorParsing(events): each collector's parse ▶ map on one core, from native
//   requests its sender rendered (no HTTP, no signature check, no ingest);
// - benchCollectors(baseUrl, events, opts): native signed requests POSTed to a running
//   server, events/s end to end (stored), and the ratio to the canonical endpoint
//   /api/ingest/events given the same events.

import type { CanonicalEvent } from '@/lib/events/schema';
import { COLLECTORS } from './registry';
import type { DeliveryContext } from './shared/collector';
import { toRequest, type NativeRequest } from './shared/native';

export interface CollectorBenchRow {
  collector: string;
  events: number;
  requests: number;
  seconds: number;
  eventsPerSecond: number;
  /** Canonical endpoint events/s on the same events, and collector ÷ canonical. */
  canonicalEventsPerSecond?: number;
  ratioToCanonical?: number;
}

export interface CollectorBenchOptions {
  token: string;
  /** Signing secrets by collector name (the server's CASHTRACE_<SOURCE>_SECRET). */
  secrets?: Record<string, string>;
  /** Requests in flight per collector. */
  concurrency?: number;
  collectors?: string[];
  log?: (line: string) => void;
}

/** Events re-keyed per run so runs never collide on event_id (dedup would flatter them). */
function rekey(events: CanonicalEvent[], tag: string): CanonicalEvent[] {
  return events.map((e) => ({ ...e, event_id: `${e.event_id}~${tag}`, entity_id: `${e.entity_id}~${tag}` }));
}

async function postAll(baseUrl: string, reqs: NativeRequest[], concurrency: number): Promise<number> {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < reqs.length) {
      const r = reqs[next++];
      const res = await fetch(new URL(r.path, baseUrl), { method: 'POST', headers: r.headers, body: typeof r.body === 'string' ? r.body : new Uint8Array(r.body) });
      await res.arrayBuffer();
      if (res.status >= 300) failures++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return failures;
}

function canonicalRequests(events: CanonicalEvent[], token: string): NativeRequest[] {
  const out: NativeRequest[] = [];
  for (let i = 0; i < events.length; i += 1000) {
    out.push({ path: '/api/ingest/events', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(events.slice(i, i + 1000)) });
  }
  return out;
}

export async function benchCollectors(baseUrl: string, events: CanonicalEvent[], opts: CollectorBenchOptions): Promise<CollectorBenchRow[]> {
  const rows: CollectorBenchRow[] = [];
  const names = opts.collectors ?? Object.keys(COLLECTORS);
  // Vendors deliver concurrently; one-event-per-request senders (Stripe, DocuSign) wait
  // for the write buffer's flush (CASHTRACE_BATCH_MAX_WAIT_MS), so throughput needs requests in flight.
  const concurrency = opts.concurrency ?? 32;
  for (const name of names) {
    const c = COLLECTORS[name];
    // Only the events this vendor's format can carry.
    const subset = eventsCarried(name, events);
    if (subset.length === 0) continue;
    const carried = subset.length;
    const reqs = c.sender(rekey(subset, `b-${name}-${Date.now().toString(36)}`), { secret: opts.secrets?.[name], token: opts.token, baseUrl });
    const t0 = performance.now();
    const failures = await postAll(baseUrl, reqs, concurrency);
    const seconds = (performance.now() - t0) / 1000;
    if (failures > 0) opts.log?.(`collector ${name}: ${failures} of ${reqs.length} requests failed`);
    const row: CollectorBenchRow = { collector: name, events: carried, requests: reqs.length, seconds, eventsPerSecond: carried / seconds };
    const canon = rekey(subset, `c-${name}-${Date.now().toString(36)}`);
    const t1 = performance.now();
    const canonFailures = await postAll(baseUrl, canonicalRequests(canon, opts.token), concurrency);
    const cs = (performance.now() - t1) / 1000;
    if (canonFailures > 0) opts.log?.(`canonical endpoint: ${canonFailures} requests failed`);
    row.canonicalEventsPerSecond = canon.length / cs;
    row.ratioToCanonical = row.eventsPerSecond / row.canonicalEventsPerSecond;
    opts.log?.(`collector ${name}: ${Math.round(row.eventsPerSecond)} events/s (${carried} events, ${reqs.length} requests); canonical ${Math.round(row.canonicalEventsPerSecond)} events/s; ratio ${row.ratioToCanonical.toFixed(2)}`);
    rows.push(row);
  }
  return rows;
}

/** The events a sender renders (by rendering each alone: cheap next to the HTTP round trips). */
function eventsCarried(name: string, events: CanonicalEvent[]): CanonicalEvent[] {
  const c = COLLECTORS[name];
  return events.filter((e) => c.sender([e], { secret: 'x', token: 'x' }).length > 0);
}

/** parse ▶ map throughput per collector, in process. */
export async function benchCollectorParsing(events: CanonicalEvent[]): Promise<CollectorBenchRow[]> {
  const rows: CollectorBenchRow[] = [];
  for (const [name, c] of Object.entries(COLLECTORS)) {
    const reqs = c.sender(events, { secret: 'bench-secret', token: 'bench-token', baseUrl: 'http://localhost' });
    if (reqs.length === 0) continue;
    const prepared = await Promise.all(
      reqs.map(async (n) => {
        const req = toRequest(n, 'http://localhost');
        return { req, body: Buffer.from(await req.clone().arrayBuffer()) };
      }),
    );
    let mapped = 0;
    const t0 = performance.now();
    for (const p of prepared) {
      const ctx: DeliveryContext = { req: p.req, url: new URL(p.req.url), body: p.body, contentType: p.req.headers.get('content-type') ?? '', now: new Date() };
      mapped += c.collector.parse(ctx).events.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ collector: name, events: mapped, requests: reqs.length, seconds, eventsPerSecond: mapped / Math.max(seconds, 1e-9) });
  }
  return rows;
}
