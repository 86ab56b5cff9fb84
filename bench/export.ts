// `npm run bench:export`: the largest CSV exports (every deal, every SLA breach, every leakage
// record, every open receivable) through their routes on a loaded store (BENCH_CLOCK_EVENTS, default 1M;
// BENCH_STORE_DIR keeps it between runs, shared with bench/clocks.ts). Exports are
// streamed, a page at a time (lib/http/csv.ts); each is read to its end as a client would,
// and the run prints its rows, size, time to the first byte and to the last, and the JS
// heap above its level before the export: its peak (garbage included: the pages parsed and
// dropped, which V8 collects late when it has room) and, in a second read of the same
// export, the most it held live (collected after each page taken: what the export keeps,
// the figure that must not grow with its length). Run with node's --expose-gc (the npm
// script does). Then the list reads under the longest exports and the integration lists
// (dead letters and orphans written for them, seedIntegrationLists), page by page,
// timed whole and per page; BENCH_COMPARE_ROOT names another checkout (with a node_modules
// link) whose lib/queries are read the same way, alternated with this one's (walks below).

import path from 'node:path';
import { env } from '../lib/env';
import type { Store } from '../lib/clickhouse/client';
import { sql } from '../lib/clickhouse/sql';
import { TEST_ADMIN_TOKEN, adminGet } from '../lib/testing/test-runtime';
import { openBenchStore, settleMerges } from './data';
import { tempDir } from '../lib/testing/temp-dir';

const log = (l: string) => console.log(`[bench:export] ${l}`);
const ROOT = path.resolve(import.meta.dirname, '..');

const EXPORTS = [
  { name: 'every deal', path: '/api/deals?format=csv', route: () => import('../app/api/deals/route') },
  { name: 'every SLA breach', path: '/api/sla/breaches?format=csv', route: () => import('../app/api/sla/breaches/route') },
  { name: 'every leakage record', path: '/api/leakage?format=csv', route: () => import('../app/api/leakage/route') },
  { name: 'receivables (invoice-not-collected)', path: '/api/stuck?rule=invoice-not-collected&format=csv', route: () => import('../app/api/stuck/route') },
  { name: 'receivables by hours late', path: '/api/stuck?rule=invoice-not-collected&sort=late&format=csv', route: () => import('../app/api/stuck/route') },
];

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

async function main(): Promise<void> {
  const e = env();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) log('no --expose-gc: heap figures include garbage from before each export');
  const { store, now, close } = await openBenchStore({ dir: e.BENCH_STORE_DIR, events: e.BENCH_CLOCK_EVENTS, settleS: e.BENCH_SETTLE_S, log });
  // the routes' runtime on the loaded store (its writer idle: nothing is ingested here)
  process.env.CASHTRACE_BOOTSTRAP_ADMIN_TOKEN = TEST_ADMIN_TOKEN;
  process.env.CASHTRACE_SIMULATOR = 'off';
  process.env.CASHTRACE_DATA_DIR = tempDir('cashtrace-bench-export-'); // its generated secrets
  const { resetEnvForTests } = await import('../lib/env');
  resetEnvForTests();
  const { createRuntime } = await import('../lib/runtime');
  const g = globalThis as unknown as { __cashtraceRuntime?: Promise<unknown> };
  const rt = await createRuntime({ store, natsUrl: null });
  g.__cashtraceRuntime = Promise.resolve(rt);
  const at = `&now=${encodeURIComponent(now.toISOString())}`;

  console.log('| export | rows | file MB | first byte ms | whole s | rows/s | heap peak above start MB | live heap max above start MB |\n|---|---:|---:|---:|---:|---:|---:|---:|');
  // `npm run bench:export -- deal`: only the exports whose name contains the word
  const only = process.argv[2];
  for (const x of EXPORTS.filter((e) => !only || e.name.includes(only))) {
    const { GET } = await x.route();
    // one untimed run (caches, the first query of its shape), then the measured one
    await (await GET(adminGet(x.path + at))).arrayBuffer();
    gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
    const t0 = performance.now();
    const res = await GET(adminGet(x.path + at));
    if (res.status !== 200) throw new Error(`${x.path}: HTTP ${res.status} ${await res.text()}`);
    const reader = res.body!.getReader();
    let first = 0;
    let bytes = 0;
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!first) first = performance.now() - t0;
      bytes += value.length;
      // line ends: none of these exports has a line break inside a cell (the quote-aware count,
      // lib/http/csv-rows.ts, left ~12 MB more on the live heap below, the same at 22k and 226k rows)
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const whole = (performance.now() - t0) / 1000;
    clearInterval(sample);
    const rows = lines - 1;
    // again, collecting after each page taken: the most the export holds live
    let live = 0;
    if (gc) {
      gc();
      const liveBase = process.memoryUsage().heapUsed;
      const again = (await GET(adminGet(x.path + at))).body!.getReader();
      while (!(await again.read()).done) {
        gc();
        live = Math.max(live, process.memoryUsage().heapUsed - liveBase);
      }
    }
    console.log(`| ${x.name} | ${rows.toLocaleString('en-US')} | ${mb(bytes)} | ${first.toFixed(0)} | ${whole.toFixed(2)} | ${Math.round(rows / whole).toLocaleString('en-US')} | ${mb(peak - base)} | ${gc ? mb(live) : '–'} |`);
  }
  await walks(store, now, only, LISTS);
  if (INTEGRATION_LISTS.some((l) => !only || l.name.includes(only))) {
    const seeded = await seedIntegrationLists(store, now, Math.min(100_000, e.BENCH_CLOCK_EVENTS / 10));
    await walks(store, now, only, INTEGRATION_LISTS);
    await seeded.remove();
  }
  await rt.shutdown();
  await close();
}

type Page = { next: string | null; rows: number };
type PageFn = (store: Store, p: { now: string; limit: number; cursor?: string } & Record<string, string | number | undefined>) => Promise<Page>;

/**
 * A list's first page (with its figures) and the pages after it, from lib/queries/<file> of a
 * checkout: with `next` where the checkout has it (pages without the figures), else `first`.
 */
function pagedList(file: string, first: string, next: string, rows: string): (root: string) => Promise<{ first: PageFn; next: PageFn }> {
  return async (root) => {
    const m = (await import(path.join(root, 'lib/queries', `${file}.ts`))) as Record<string, ((s: Store, p: object) => Promise<Record<string, unknown>>) | undefined>;
    const call = (f: NonNullable<(typeof m)[string]>): PageFn => async (st, p) => {
      const r = await f(st, p);
      return { next: r.next_cursor as string | null, rows: (r[rows] as unknown[]).length };
    };
    return { first: call(m[first]!), next: call(m[next] ?? m[first]!) };
  };
}

type Walked = { name: string; size: number; load: ReturnType<typeof pagedList>; params?: Record<string, string> };

const LISTS: Walked[] = [
  { name: 'every SLA breach', size: 20_000, load: pagedList('get-sla-breaches', 'getSlaBreaches', 'getSlaBreachRows', 'breaches') },
  { name: 'every leakage record', size: 5_000, load: pagedList('get-leakage', 'getLeakage', 'getLeakageRecords', 'records') },
  { name: 'receivables (invoice-not-collected)', size: 5_000, load: pagedList('get-stuck-items', 'getStuckItems', 'getStuckItems', 'items'), params: { rule: 'invoice-not-collected' } },
  // hours late: keyset since 2026-12-05 (offset before); 500 a page, so that a 1M-event store has several
  { name: 'receivables by hours late, 500 a page', size: 500, load: pagedList('get-stuck-items', 'getStuckItems', 'getStuckItems', 'items'), params: { rule: 'invoice-not-collected', sort: 'late' } },
  { name: 'receivables by customer, descending', size: 5_000, load: pagedList('get-stuck-items', 'getStuckItems', 'getStuckItems', 'items'), params: { rule: 'invoice-not-collected', sort: 'customer', dir: 'desc' } },
  // the integration lists at the largest page they serve (their exports' page)
  { name: 'failures of psa to erp', size: 500, load: pagedList('get-flow-failures', 'getFlowFailures', 'getFlowFailures', 'items'), params: { flow_source: 'psa', flow_target: 'erp' } },
];
/** Read from seedIntegrationLists' rows. */
const INTEGRATION_LISTS: Walked[] = [
  { name: 'every dead letter', size: 500, load: pagedList('get-dead-letters', 'getDeadLetters', 'getDeadLetterPage', 'items') },
  { name: 'every orphan', size: 500, load: pagedList('get-orphans', 'getOrphans', 'getOrphans', 'items') },
];

/**
 * `rows` dead letters and as many orphans (a tenth of the events, at most 100,000: an offset
 * walk's time grows with the square of its rows), received over the hour before `now`,
 * several to a millisecond as a rejected batch's are, a letter's raw input ~1 KB: the loaded store has
 * neither (its synthetic events are valid and stitched). Written into the store's own tables
 * (one process opens one chDB directory) under IDs of their own, which `remove` deletes again
 * with what the materialized views derived from them (as does the next run, should this one
 * stop before).
 */
async function seedIntegrationLists(store: Store, now: Date, rows: number): Promise<{ remove: () => Promise<void> }> {
  // the rows and what the events' materialized views derived from them (the loaded store has
  // no orphan of its own: deal_summary's '' row is theirs)
  const remove = async () => {
    for (const q of [
      sql`ALTER TABLE dead_letters DELETE WHERE startsWith(event_id, 'bench-dl-')`,
      sql`ALTER TABLE events DELETE WHERE correlation_id = '' AND startsWith(event_id, 'bench-orphan-')`,
      sql`ALTER TABLE event_ids DELETE WHERE startsWith(event_id, 'bench-orphan-')`,
      sql`ALTER TABLE event_facts DELETE WHERE startsWith(event_id, 'bench-orphan-')`,
      sql`ALTER TABLE event_refs DELETE WHERE startsWith(ref, 'erp:invoice:BENCH-INV-')`,
      sql`ALTER TABLE deal_summary DELETE WHERE correlation_id = ''`,
    ]) {
      await store.command(q, { mutations_sync: 1 });
    }
  };
  await remove();
  const at = sql`fromUnixTimestamp64Milli(toInt64(${now.getTime() - 3_600_000} + intDiv(number * 3_600_000, ${rows}) - number % 4), 'UTC')`;
  // each letter an invoice.issued with its amount as text, for the invoice its orphan waits for
  // (its record and type: whether that record's invoice.issued was stored since is looked up)
  await store.command(sql`INSERT INTO dead_letters (received_at, collector, reason, errors, event_id, entity_key, content_type, raw)
    SELECT ${at}, ['crm', 'erp', 'psa'][number % 3 + 1], ['invalid_event', 'unknown_type', 'malformed_json'][number % 3 + 1],
      ['amount: expected number, received string'], concat('bench-dl-', toString(number)), concat('erp:invoice:BENCH-INV-', toString(number)), 'application/json',
      concat('{"event_id":"bench-dl-', toString(number), '","type":"invoice.issued","source":"erp","entity_type":"invoice","entity_id":"BENCH-INV-', toString(number), '","amount":"', repeat('9', 1000), '"}')
    FROM numbers(${rows})`);
  await store.command(sql`INSERT INTO events (correlation_id, event_id, source, type, occurred_at, received_at, entity_type, entity_id, entity_key, refs)
    SELECT '', concat('bench-orphan-', toString(number)), 'payments', 'payment.received', ${at}, ${at}, 'payment', concat('BENCH-PAY-', toString(number)),
      concat('payments:payment:BENCH-PAY-', toString(number)), [concat('erp:invoice:BENCH-INV-', toString(number))]
    FROM numbers(${rows})`);
  // the merges the inserts start (the orphans' part into the month's events) run before the
  // walks, not under them
  const settle = await settleMerges(store, env().BENCH_SETTLE_S);
  log(`integration lists: ${rows.toLocaleString('en-US')} dead letters and as many orphans written for their walks; merges ${settle.settled ? 'finished' : 'still running'} after ${settle.seconds.toFixed(0)} s`);
  return { remove };
}

/**
 * The list reads under the longest exports, page by page as the export reads them (20,000
 * breaches, 5,000 records a page; the figures with the first page only, where the checkout
 * reads pages without them), timed whole and per page: this checkout's lib/queries and, with
 * BENCH_COMPARE_ROOT, another checkout's, alternated round by round on the same store.
 */
async function walks(store: Store, now: Date, only: string | undefined, lists: Walked[]): Promise<void> {
  const e = env();
  const roots = [{ name: 'this checkout', root: ROOT }, ...(e.BENCH_COMPARE_ROOT ? [{ name: `compare (${e.BENCH_COMPARE_ROOT})`, root: e.BENCH_COMPARE_ROOT }] : [])];
  console.log('\n| list read as its export reads it | side | rows | pages | whole s (each round) | first page ms | last page ms |\n|---|---|---:|---:|---:|---:|---:|');
  for (const l of lists.filter((x) => !only || x.name.includes(only))) {
    const sides = await Promise.all(roots.map(async (r) => ({ ...r, fns: await l.load(r.root) })));
    // each side's first page once, untimed (the first query of its shape, caches)
    for (const side of sides) await side.fns.first(store, { ...l.params, now: now.toISOString(), limit: l.size });
    const out = new Map<string, { rows: number; pages: number[]; whole: number[] }>();
    for (let round = 0; round < 2; round++) {
      for (const side of round % 2 ? [...sides].reverse() : sides) {
        // as a user's one walk reads them: not from the query condition cache of the round
        // before (which answered a repeated orphan page's lookup in 5 ms against ~160 at 9.9M)
        await store.command(sql`SYSTEM DROP QUERY CONDITION CACHE`);
        const pages: number[] = [];
        let rows = 0;
        let cursor: string | undefined;
        const t0 = performance.now();
        for (;;) {
          const t = performance.now();
          const p = await (cursor ? side.fns.next : side.fns.first)(store, { ...l.params, now: now.toISOString(), limit: l.size, cursor });
          pages.push(performance.now() - t);
          rows += p.rows;
          if (!p.next || p.rows === 0) break;
          cursor = p.next;
        }
        // the rows and pages of the last round, the time of each
        const whole = [...(out.get(side.name)?.whole ?? []), (performance.now() - t0) / 1000];
        out.set(side.name, { rows, pages, whole });
      }
    }
    for (const [name, o] of out) {
      console.log(`| ${l.name} | ${name} | ${o.rows.toLocaleString('en-US')} | ${o.pages.length} | ${o.whole.map((w) => w.toFixed(2)).join(' / ')} | ${o.pages[0].toFixed(0)} | ${o.pages[o.pages.length - 1].toFixed(0)} |`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
