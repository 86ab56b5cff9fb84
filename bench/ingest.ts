// Timed sections against a running app: the pipeline's rate through POST
// /api/ingest/events (until every request is answered 202, and until every row is in
// ClickHouse according to the app's own metrics), and ingest-to-visible latency
// (one event posted, its deal polled until the journey shows it).

import http from 'node:http';
import type { CanonicalEvent } from '../lib/events/schema';
import type { AppServer } from './server';

export interface PipelineRun {
  seconds: number;
  rate: number;
  /** With NATS: the 202 means durable in JetStream; rows reach ClickHouse a little later. */
  insertedSeconds: number;
  insertedRate: number;
  /** Until the clock snapshot has caught up with every deal the run touched. */
  clocksRate: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Clock refresh rounds that ended while the rows went in (they share the engine with the inserts). */
  clockRounds: { count: number; seconds: number };
  /** Inserts into `events` the writer made for these rows (fewer, bigger inserts: less engine and merge work per row). */
  inserts: number;
  /** Rows in ClickHouse (the writer's counter) when the last request was answered: with NATS, how far the writer kept up with the publishers. */
  insertedAtAnswer: number;
}

/**
 * One figure of the app's /api/metrics, polled while rows go in: asked for uncompressed,
 * as the app's gzip of each answer cost its main thread ~0.4 ms per poll (profiled
 * 2026-12-01, polls every 20 ms: 0.4–0.5 s of a run's main thread in zlib) — load the
 * measured pipeline should not carry.
 */
async function metric(app: AppServer, name: string): Promise<number> {
  const res = await fetch(`${app.url}/api/metrics`, { headers: { authorization: `Bearer ${app.adminToken}`, 'accept-encoding': 'identity' } });
  const text = await res.text();
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(name) && !line.startsWith('#')) total += Number(line.split(' ').pop());
  return total;
}

/** One untimed request first: route modules, the runtime and the stitcher load on first use. */
export async function warmUp(app: AppServer, body: string): Promise<void> {
  const res = await fetch(`${app.url}/api/ingest/events`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/x-ndjson' }, body });
  const answer = (await res.json()) as { accepted?: number };
  if (res.status !== 202) throw new Error(`warm-up: ingest answered ${res.status}`);
  // With NATS the 202 comes before the insert: wait for the rows so they are not counted
  // later (the ones accepted: a duplicate in the body is not inserted again).
  const rows = answer.accepted ?? 0;
  const deadline = Date.now() + 120_000;
  while ((await metric(app, 'cashtrace_events_inserted_total')) < rows && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // And for the clock round it starts (and the start-up builds): until 2026-11-30 20:00 UTC
  // the timed rows went in while that round still ran, sharing the engine with them.
  while ((await metric(app, 'cashtrace_clock_pending_deals')) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** How often the timed sections poll the app's metrics (the clocks' catch-up is timed to this). */
const POLL_MS = 100;

/** `onInserted` runs the moment every row is in ClickHouse (before the clocks' catch-up). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/**
 * POSTs one NDJSON body with node:http (keep-alive): the client shares the machine's two
 * cores with the app, and fetch (undici: web streams, a copy per chunk) spent ~10 µs of CPU
 * per event posting these bodies — an eighth of what the app itself spent. The bodies are
 * bytes, encoded once before timing (until 2026-12-01 13:10 UTC strings, encoded on every post).
 */
function postNdjson(app: AppServer, body: Buffer): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${app.url}/api/ingest/events`,
      { method: 'POST', agent, headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/x-ndjson', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function postAll(app: AppServer, bodies: readonly Buffer[], events: number, concurrency = 4, onInserted?: () => void): Promise<PipelineRun> {
  const before = await metric(app, 'cashtrace_events_inserted_total');
  const inserts0 = await metric(app, 'cashtrace_ingest_batch_rows_count');
  const rounds0 = { count: await metric(app, 'cashtrace_clock_refresh_seconds_count'), seconds: await metric(app, 'cashtrace_clock_refresh_seconds_sum') };
  const started = performance.now();
  const startedAt = Date.now();
  let next = 0;
  const totals = { accepted: 0, duplicates: 0, rejected: 0 };
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await postNdjson(app, body);
      const r = res.json as { accepted?: number; duplicates?: number; rejected?: unknown[] };
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(r).slice(0, 300)}`);
      totals.accepted += r.accepted ?? 0;
      totals.duplicates += r.duplicates ?? 0;
      totals.rejected += r.rejected?.length ?? 0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const insertedAtAnswer = (await metric(app, 'cashtrace_events_inserted_total')) - before;
  // Rows in ClickHouse (the writer's counter), polled until all arrived; the time is the
  // app's own of its last insert (same machine clock), so the polls can be sparse: each
  // costs the app's main thread a request, which polling every 20 ms made ~5% of a core.
  const deadline = Date.now() + 300_000;
  while ((await metric(app, 'cashtrace_events_inserted_total')) - before < totals.accepted) {
    if (Date.now() > deadline) throw new Error('rows did not reach ClickHouse within 5 minutes');
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const lastInsertAt = 1000 * (await metric(app, 'cashtrace_ingest_last_insert_timestamp_seconds'));
  const insertedSeconds = Math.max(seconds, (lastInsertAt - startedAt) / 1000);
  onInserted?.();
  const inserts = (await metric(app, 'cashtrace_ingest_batch_rows_count')) - inserts0;
  const clockRounds = { count: (await metric(app, 'cashtrace_clock_refresh_seconds_count')) - rounds0.count, seconds: (await metric(app, 'cashtrace_clock_refresh_seconds_sum')) - rounds0.seconds };
  // The clocks' snapshot (stuck queues, SLA, KPIs) caught up: no deal waiting to be recomputed.
  while ((await metric(app, 'cashtrace_clock_pending_deals')) > 0) {
    if (Date.now() > deadline) throw new Error('the clock snapshot did not catch up within 5 minutes');
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const clocksSeconds = (performance.now() - started) / 1000;
  return { seconds, rate: events / seconds, insertedSeconds, insertedRate: events / insertedSeconds, clocksRate: events / clocksSeconds, ...totals, clockRounds, inserts, insertedAtAnswer };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Posts one new deal's first event at a time and polls GET /api/deals/{id} until it is there. */
export async function visibleLatency(app: AppServer, template: CanonicalEvent, samples: number): Promise<{ p50: number; p99: number; n: number }> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const id = `OPP-LAT-${Date.now()}-${i}`;
    const event = { ...template, event_id: `lat-${id}`, type: 'opportunity.won', source: 'crm', entity_type: 'opportunity', entity_id: id, refs: [], occurred_at: new Date().toISOString(), received_at: undefined };
    const corr = encodeURIComponent(`crm:opportunity:${id}`);
    const started = performance.now();
    const res = await fetch(`${app.url}/api/ingest/events`, { method: 'POST', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' }, body: JSON.stringify([event]) });
    if (res.status !== 202) throw new Error(`latency probe: ingest answered ${res.status}`);
    await res.arrayBuffer();
    for (;;) {
      const r = await fetch(`${app.url}/api/deals/${corr}`, { headers: { authorization: `Bearer ${app.adminToken}` } });
      await r.arrayBuffer();
      if (r.status === 200) break;
      if (r.status !== 404) throw new Error(`latency probe: GET /api/deals answered ${r.status}`);
      if (performance.now() - started > 30_000) throw new Error('latency probe: event not visible within 30 s');
      await new Promise((r2) => setTimeout(r2, 2));
    }
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), n: times.length };
}
