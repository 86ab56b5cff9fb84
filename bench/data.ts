// Benchmark rows: canonical events from the simulator (distinct event_ids, all delivered
// by "now"), pre-serialised once both as NDJSON request bodies and as `events` rows
// (JSONEachRow, correlation IDs resolved as the stitcher would), so the timed sections
// measure the engine and the pipeline, not the generator.

import fs from 'node:fs';
import path from 'node:path';
import { buildMissing, forgetBuilds } from '../lib/clocks/build';
import { allClocks } from '../lib/clocks/registry';
import type { Store } from '../lib/clickhouse/client';
import { sql } from '../lib/clickhouse/sql';
import { z } from 'zod';
import type { CanonicalEvent } from '../lib/events/schema';
import { insertEventRows, releaseRows, rowsBody, toRowLine } from '../lib/ingest/rows';
import { rowFromLine } from '../lib/testing/line-row';
import { buildWorld } from '../collectors/simulator/world';
import { simulateDeal, type SimOptions } from '../collectors/simulator/generate';
import { isDelivery } from '../collectors/simulator/emit';

export interface BenchEvent {
  event: CanonicalEvent;
  correlationId: string;
}

/**
 * Streams about `target` events in deal order: deals are won over `days` at the pace that
 * yields the target (calibrated on a sample of deals spread over the window), and only
 * events delivered by `now` are kept: the store's view of history.
 */
export function* benchEvents(target: number, seed: number, now: number, days = 365, idOffset = 0): Generator<BenchEvent> {
  const world = buildWorld(seed);
  const probe: SimOptions = { seed, deals: 400, days, now, idOffset };
  let due = 0;
  for (let i = 0; i < probe.deals; i += 4) due += simulateDeal(probe, world, i).events.filter((se) => isDelivery(se) && se.deliverAt <= now).length;
  const perDeal = Math.max(1, due / (probe.deals / 4));
  const o: SimOptions = { ...probe, deals: Math.max(10, Math.ceil(target / perDeal)) };
  let n = 0;
  for (let i = 0; i < o.deals && n < target; i++) {
    const deal = simulateDeal(o, world, i);
    for (const se of deal.events) {
      if (!isDelivery(se) || se.deliverAt > now) continue;
      yield { event: se.event, correlationId: deal.correlationId };
      if (++n >= target) return;
    }
  }
}

export interface BenchRows {
  events: CanonicalEvent[];
  /** JSONEachRow chunks for `events` (raw insert), as UTF-8 bytes like the writer's inserts. */
  rowChunks: Buffer[];
  /**
   * The same rows in the writer's own insert form (raw insert into `events_in`, whose view
   * writes `events`): each request line as the pipeline keeps it (lib/ingest/rows eventRow)
   * under its deal (rowsBody), in the same chunks as rowChunks.
   */
  inChunks: Buffer[];
  /** NDJSON request bodies for POST /api/ingest/events. */
  /** NDJSON request bodies of 5k events, as bytes (encoded once: the client shares the cores with the app). */
  requestBodies: Buffer[];
  correlationIds: string[];
}

export function prepareRows(count: number, seed: number, now: number, requestBatch = 5_000): BenchRows {
  // Eight or more inserts, so two can be in flight.
  const rowChunk = Math.max(10_000, Math.ceil(count / 8));
  const events: CanonicalEvent[] = [];
  const corr: string[] = [];
  for (const b of benchEvents(count, seed, now, 120)) {
    events.push(b.event);
    corr.push(b.correlationId);
  }
  const receivedAt = new Date(now).toISOString();
  const rowChunks: Buffer[] = [];
  for (let i = 0; i < events.length; i += rowChunk) {
    const lines: string[] = [];
    for (let j = i; j < Math.min(events.length, i + rowChunk); j++) lines.push(toRowLine(events[j], corr[j], events[j].received_at ?? receivedAt));
    rowChunks.push(Buffer.from(lines.join('\n')));
  }
  const inChunks: Buffer[] = [];
  for (let i = 0; i < events.length; i += rowChunk) inChunks.push(writerBody(events.slice(i, i + rowChunk), corr.slice(i, i + rowChunk), receivedAt));
  const requestBodies: Buffer[] = [];
  for (let i = 0; i < events.length; i += requestBatch) requestBodies.push(Buffer.from(events.slice(i, i + requestBatch).map((e) => JSON.stringify(e)).join('\n')));
  return { events, rowChunks, inChunks, requestBodies, correlationIds: [...new Set(corr)] };
}

/** Events as the writer inserts them into events_in: each line (as the client sends it) validated and kept as the pipeline keeps it, under its deal. */
function writerBody(events: readonly CanonicalEvent[], correlationIds: readonly string[], receivedAt: string): Buffer {
  const rows = events.map((e) => rowFromLine(JSON.stringify(e), receivedAt).row);
  // A copy: rowsBody's buffer may be larger than the body, and the rows' slabs are released.
  const body = Buffer.from(rowsBody(rows, correlationIds));
  releaseRows(rows);
  return body;
}

/** Where a raw insert goes: rows of `events` itself, or the writer's form into `events_in`. */
export type RawForm = 'events' | 'events_in';

/**
 * Inserts the bench rows' pre-serialised chunks of one form (rows of events, or the
 * writer's form as the writer inserts it: insertEventRows), one insert at a time on each of
 * `connections` (a chDB connection runs its inserts one at a time; two overlap); `settings`
 * on top of the form's own. Returns rows/s.
 */
export async function rawInsert(
  connections: readonly Store[],
  bench: BenchRows,
  opts: { form?: RawForm; settings?: Record<string, string | number> } = {},
): Promise<{ seconds: number; rate: number }> {
  const { form = 'events', settings } = opts;
  const chunks = form === 'events' ? bench.rowChunks : bench.inChunks;
  const started = performance.now();
  let next = 0;
  const worker = async (store: Store) => {
    while (next < chunks.length) {
      const c = chunks[next++];
      await (form === 'events' ? store.insertJsonEachRow('events', c, settings) : insertEventRows(store, c, settings));
    }
  };
  await Promise.all(connections.map(worker));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rate: bench.events.length / seconds };
}

/**
 * Loads the store up to `target` events for the query benchmark, continuing from `from`
 * (deal index) so 1M then 10M reuse the first million. Serialises and inserts in
 * overlapping steps: the next chunk is built while the previous one is inserted.
 */
export async function loadScale(store: Store, o: { from: number; target: number; seed: number; now: number; log: (l: string) => void }): Promise<void> {
  const chunkRows = 100_000;
  const receivedAt = new Date(o.now).toISOString();
  let lines: string[] = [];
  let loaded = o.from;
  let pending: Promise<void> | null = null;
  const started = performance.now();
  let lastLog = 0;
  // A continuation (1M ▶ 10M) is another slice of the same firm: another seed and record
  // numbers above the first slice's, so no two deals share a key.
  for (const b of benchEvents(o.target - o.from, o.seed + o.from, o.now, 365, o.from === 0 ? 0 : 10_000_000 + o.from)) {
    lines.push(toRowLine(b.event, b.correlationId, b.event.received_at ?? receivedAt));
    if (lines.length >= chunkRows) {
      const body = lines.join('\n');
      lines = [];
      if (pending) await pending;
      pending = store.insertJsonEachRow('events', body);
      loaded += chunkRows;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        const secs = (performance.now() - started) / 1000;
        o.log(`  loaded ${(loaded / 1e6).toFixed(1)}M / ${(o.target / 1e6).toFixed(0)}M events (${Math.round((loaded - o.from) / secs)} events/s)`);
      }
    }
  }
  if (pending) await pending;
  if (lines.length) await store.insertJsonEachRow('events', lines.join('\n'));
}

/**
 * Grows the store to `copies + 1` times its size inside the engine: each copy re-keys every
 * id (correlation, event, entity, refs) with a suffix, so it is another set of deals with
 * the same shape, a firm `copies + 1` times bigger. The filter sits in a subquery: a
 * REPLACE alias would shadow the column of the same name in WHERE. Far faster than generating 9M more
 * events in JavaScript on a shared 2-core machine; the materialized views fill as usual.
 */
export async function replicate(store: Store, copies: number, log: (l: string) => void): Promise<void> {
  for (let k = 1; k <= copies; k++) {
    const started = performance.now();
    const tag = `~${k}`;
    await store.command(sql`INSERT INTO events
      SELECT * REPLACE (
        concat(correlation_id, ${tag}) AS correlation_id,
        concat(event_id, ${tag}) AS event_id,
        concat(entity_id, ${tag}) AS entity_id,
        concat(entity_key, ${tag}) AS entity_key,
        arrayMap(r -> concat(r, ${tag}), refs) AS refs
      )
      FROM (SELECT * FROM events WHERE position(event_id, '~') = 0)`);
    log(`  copy ${k}/${copies} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

/**
 * Events loaded around the writer (above) are not in the clocks' snapshot: forget every
 * build and build all clocks in full, as a new deployment's first start does. Returns a
 * line for the report (the full build's time is a figure of its own).
 */
export async function buildClockSnapshot(store: Store, log: (l: string) => void): Promise<string> {
  await forgetBuilds(store);
  const started = performance.now();
  const built = await buildMissing(store, await allClocks(store));
  const rows = built.reduce((s, b) => s + b.rows, 0);
  const slowest = built.reduce((m, b) => Math.max(m, b.seconds), 0);
  const line = `clock snapshot built in full: ${built.length} clocks, ${rows.toLocaleString('en-US')} intervals in ${((performance.now() - started) / 1000).toFixed(1)} s (slowest clock ${slowest.toFixed(1)} s)`;
  log(line);
  return line;
}

/**
 * Waits until the engine runs no merge of this database (two readings in a row, 0.5 s
 * apart), at most `maxSeconds`. A store loaded in seconds (millions of rows, then the clock
 * snapshot built in full) leaves minutes of merges behind that a server ingesting at its
 * usual pace never has: queries are timed once the engine is done with them, not against
 * them. Returns the seconds waited and whether merges were still running when it stopped
 * waiting.
 */
export async function settleMerges(store: Store, maxSeconds: number): Promise<{ seconds: number; settled: boolean }> {
  const started = performance.now();
  for (let quiet = 0; ; await new Promise((r) => setTimeout(r, 500))) {
    const [{ n }] = await store.query(sql`SELECT count() AS n FROM system.merges WHERE database = currentDatabase()`, z.object({ n: z.coerce.number() }));
    quiet = n === 0 ? quiet + 1 : 0;
    const seconds = (performance.now() - started) / 1000;
    if (quiet === 2) return { seconds, settled: true };
    if (seconds >= maxSeconds) return { seconds, settled: false };
  }
}

/** The benchmark's one customer (the 21st fewest deals: a few dozen at 1M events), the selective filter of every view. */
/** A typical deal (20–60 events, the first by id) and the deal with the most events: the journey lookups' deals. */
export async function benchDeals(store: Store): Promise<{ dealId: string; bigDealId: string }> {
  const deal = z.object({ correlation_id: z.string(), n: z.coerce.number() });
  const typical = await store.query(sql`SELECT correlation_id, sum(events) AS n FROM deal_summary GROUP BY correlation_id HAVING n BETWEEN 20 AND 60 ORDER BY correlation_id LIMIT 1`, deal);
  const big = await store.query(sql`SELECT correlation_id, sum(events) AS n FROM deal_summary GROUP BY correlation_id ORDER BY n DESC LIMIT 1`, deal);
  return { dealId: typical[0]?.correlation_id ?? '', bigDealId: big[0]?.correlation_id ?? '' };
}

export async function benchCustomer(store: Store): Promise<string> {
  const rows = await store.query(
    sql`SELECT customer, count() AS deals FROM (SELECT correlation_id, max(customer) AS customer FROM deal_summary GROUP BY correlation_id) GROUP BY customer ORDER BY deals ASC, customer LIMIT 1 OFFSET 20`,
    z.object({ customer: z.string() }),
  );
  return rows[0]?.customer ?? '';
}

/**
 * The store of a one-volume bench (bench/clocks.ts, bench/export.ts): BENCH_STORE_DIR when
 * set (loaded once, kept between runs), else a temporary directory removed by `close`;
 * `events` synthetic events loaded into an empty one, every clock built, merges settled.
 * `now` is the loaded store's now (saved beside it).
 */
export async function openBenchStore(o: { dir?: string; events: number; settleS: number; log: (l: string) => void }): Promise<{ store: Store; now: Date; close: () => Promise<void> }> {
  const { createStore } = await import('../lib/clickhouse/client');
  const { tempDir } = await import('../lib/testing/temp-dir');
  const dir = o.dir ?? tempDir('cashtrace-bench-');
  fs.mkdirSync(dir, { recursive: true });
  const store = await createStore({ dataDir: dir });
  const count = async () => (await store.query(sql`SELECT count() AS n FROM events`, z.object({ n: z.coerce.number() })))[0].n;
  const nowFile = path.join(dir, 'bench-now.txt');
  if ((await count()) === 0) {
    const now = Date.now();
    fs.writeFileSync(nowFile, String(now));
    o.log(`loading ${o.events.toLocaleString('en-US')} events …`);
    await loadScale(store, { from: 0, target: o.events, seed: 4242, now, log: o.log });
    await forgetBuilds(store);
  }
  // Clocks not built yet (a new store, or new definitions since it was loaded) are built in full.
  const built = await buildMissing(store, await allClocks(store));
  if (built.length) o.log(`built ${built.length} clocks: ${built.reduce((s, b) => s + b.rows, 0).toLocaleString('en-US')} intervals in ${built.reduce((s, b) => s + b.seconds, 0).toFixed(1)} s`);
  const now = new Date(Number(fs.readFileSync(nowFile, 'utf8')));
  o.log(`${(await count()).toLocaleString('en-US')} events in the store`);
  const settle = await settleMerges(store, o.settleS);
  o.log(`${settle.settled ? 'background merges finished' : 'background merges still running'} after ${settle.seconds.toFixed(0)} s`);
  return {
    store,
    now,
    async close() {
      await store.close();
      if (!o.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
