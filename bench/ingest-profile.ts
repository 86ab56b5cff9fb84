// In-process ingest harness for profiling (no HTTP, no Next.js): the bench's NDJSON
// bodies through ingestBody, as the ingest route takes them (4 in flight) into a fresh chDB store,
// embedded bus or, with NATS=1, a nats-server started for the run. Run it under
// `npx tsx bench/ingest-profile.ts` with PROFILE=<file.cpuprofile> to profile the timed
// section only (chDB shows up as idle or native time). BENCH_EVENTS sets the number of
// events (default 50k); RAW=1 times the raw insert of the same rows instead (the limit's
// shape with default insert settings; RAW_CONNECTIONS, default CASHTRACE_INSERT_CONNECTIONS;
// RAW_FORM=events_in: the writer's own form). STATEMENTS=1 times statements.

import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance, PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import type { z } from 'zod';
import { createStore, type Store } from '../lib/clickhouse/client';
import { env } from '../lib/env';
import { sql } from '../lib/clickhouse/sql';
import { createRuntime } from '../lib/runtime';
import { ingestBody } from '../lib/ingest/pipeline';
import { metrics } from '../lib/observability/metrics';
import { startNatsServer } from '../lib/testing/nats';
import { cpuPerItem, threadCpu, threadCpuSince, threadFaults } from '../lib/testing/thread-cpu';
import { removeTempDir, tempDir } from '../lib/testing/temp-dir';
import { benchEvents, prepareRows, rawInsert, type RawForm } from './data';

process.env.CASHTRACE_INGEST_TOKEN ??= 'profile-ingest-token-0123456789';

async function main(): Promise<void> {
  // The clock refresher's timers do not keep a process alive (a server's listener does):
  // this interval does, or waiting for a round (or for shutdown) would end the process.
  const alive = setInterval(() => undefined, 1000);
  const count = Number(process.env.BENCH_EVENTS ?? 50_000);
  // BENCH_NOW: the clock the rows are made for (npm run bench passes its own: the same rows).
  const now = Number(process.env.BENCH_NOW ?? Date.now());
  const rows = prepareRows(count, 4242, now);
  const warm = [...benchEvents(2000, 4243, now, 120, 50_000_000)].map((b) => JSON.stringify(b.event)).join('\n');
  const dir = tempDir('cashtrace-prof-');
  const store = await createStore({ dataDir: dir });
  if (process.env.RAW === '1') {
    // The limit's side, measured the same way: the same rows pre-serialised, inserted
    // straight into events (the bench's raw insert), CPU by thread.
    const threads0 = threadCpu();
    const cpu0 = process.cpuUsage();
    const faults0 = process.resourceUsage().minorPageFault;
    // RAW_CONNECTIONS (default as the writer's inserts: CASHTRACE_INSERT_CONNECTIONS).
    const connections = [store];
    while (connections.length < Number(process.env.RAW_CONNECTIONS ?? env().CASHTRACE_INSERT_CONNECTIONS)) connections.push(await store.fork());
    // RAW_FORM=events_in: the writer's own insert form (default: rows of events).
    const form: RawForm = process.env.RAW_FORM === 'events_in' ? 'events_in' : 'events';
    // RAW_SETTINGS=single: one thread per insert (max_threads 1, no parallel parsing), the
    // limit's best shape in most runs; default: the engine's default insert settings.
    const settings = process.env.RAW_SETTINGS === 'single' ? { max_threads: 1, input_format_parallel_parsing: 0 } : undefined;
    const raw = await rawInsert(connections, rows, { form, settings });
    const cpu = process.cpuUsage(cpu0);
    const faults = process.resourceUsage().minorPageFault - faults0;
    const threads = threadCpuSince(threads0, threadCpu());
    console.log(`raw insert into ${form}${settings ? ', one thread per insert' : ''}: ${rows.events.length} rows in ${rows.rowChunks.length} inserts on ${connections.length} connection(s), ${Math.round(raw.rate)}/s`);
    console.log(`CPU per event: process ${((cpu.user + cpu.system) / rows.events.length).toFixed(1)} µs; page faults ${(faults / rows.events.length).toFixed(2)} per event`);
    if (threads.size > 0) console.log(`  by thread (µs per event): ${cpuPerItem(threads, rows.events.length)}`);
    for (const c of connections.slice(1)) await c.close();
    await store.close();
    removeTempDir(dir);
    clearInterval(alive);
    return;
  }
  // PREFILL_IDS=<n>: the store already holds n committed event IDs (random, none of the
  // run's), as a store in use for a while does: dedup's lookups then read a table that size.
  const prefill = Number(process.env.PREFILL_IDS ?? 0);
  if (prefill > 0) {
    await store.command(sql`INSERT INTO event_ids SELECT toString(generateUUIDv4(number)), 'prefill' FROM numbers(${prefill})`);
    await store.command(sql`OPTIMIZE TABLE event_ids FINAL`);
    console.log(`prefilled event_ids with ${prefill} IDs`);
  }
  const nats = process.env.NATS === '1' ? await startNatsServer() : null;
  const statements = process.env.STATEMENTS === '1' ? timeStatements(store) : null;
  const rt = await createRuntime({ store, natsUrl: nats?.url ?? null, worker: true });
  // As the ingest route does.
  const post = (body: Buffer) => ingestBody(rt, body, { collector: 'events', contentType: 'application/x-ndjson' });
  const waitInserted = async (n: number) => {
    while (metrics().eventsInserted.get() < n) await new Promise((r) => setTimeout(r, 10));
  };
  // Until the rows it accepted are in (the generator yields about, not exactly, 2000 events).
  const warmed = await post(Buffer.from(warm));
  await waitInserted(warmed.accepted);
  // And for the clocks' start-up builds and the warm-up's round: run in the timed section,
  // they took ~10 s of engine time from the rows (2026-12-01).
  await new Promise((r) => setTimeout(r, 100));
  await rt.writer?.clocks.settled();
  // The bodies as bytes, as a server receives them (not converted in the timed section).
  const bodies = rows.requestBodies;
  const before = metrics().eventsInserted.get();
  const batches0 = metrics().batchSize.snapshot().count;
  const profiler = process.env.PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  // Garbage-collector pauses of the main thread in the timed section, by kind.
  const gc = { minor: { n: 0, ms: 0 }, major: { n: 0, ms: 0 } };
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? gc.minor : gc.major;
      kind.n++;
      kind.ms += e.duration;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const faults0 = process.resourceUsage().minorPageFault;
  const threads0 = threadCpu();
  const threadFaults0 = threadFaults();
  const natsCpu0 = nats?.proc.pid ? threadCpu(nats.proc.pid) : null;
  const elu0 = performance.eventLoopUtilization();
  statements?.reset();
  const started = performance.now();
  let next = 0;
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  const worker = async () => {
    while (next < bodies.length) {
      // Each request in a task of its own, as a server's requests arrive (started in one
      // loop, all bodies were validated before any request's pre-check could start).
      await new Promise((r) => setImmediate(r));
      if (next >= bodies.length) break;
      const r = await post(bodies[next++]);
      accepted += r.accepted;
      duplicates += r.duplicates;
      rejected += r.rejected.length;
    }
  };
  await Promise.all(Array.from({ length: Number(process.env.BENCH_CONCURRENCY ?? 4) }, worker));
  const answered = (performance.now() - started) / 1000;
  const insertedAtAnswer = metrics().eventsInserted.get() - before;
  await waitInserted(before + accepted);
  const inserted = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const faults = process.resourceUsage().minorPageFault - faults0;
  gcObserver.disconnect();
  const threads = threadCpuSince(threads0, threadCpu());
  const faultsByThread = threadCpuSince(threadFaults0, threadFaults());
  const natsCpu = natsCpu0 && nats?.proc.pid ? threadCpuSince(natsCpu0, threadCpu(nats.proc.pid)) : null;
  const elu = performance.eventLoopUtilization(elu0);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    fs.writeFileSync(process.env.PROFILE!, JSON.stringify(profile));
  }
  const batches = metrics().batchSize.snapshot().count - batches0;
  if (statements) console.log(`statements (wall ms while timed, by kind; the two connections run at once):\n${statements.report()}`);
  console.log(`${accepted} of ${rows.events.length} accepted (${duplicates} duplicates, ${rejected} rejected); answered ${Math.round(count / answered)}/s, in ClickHouse ${Math.round(count / inserted)}/s; ${batches} inserts; ${Math.round((100 * insertedAtAnswer) / Math.max(1, accepted))}% of the rows in ClickHouse when the last request was answered`);
  // RESULT_FILE: the figures as JSON, for `npm run bench`'s in-process rows.
  if (process.env.RESULT_FILE) {
    fs.writeFileSync(process.env.RESULT_FILE, JSON.stringify({ accepted, answeredRate: count / answered, insertedRate: count / inserted, cpuPerEvent: (cpu.user + cpu.system) / count }));
  }
  console.log(metrics().render().split('\n').filter((l) => /^cashtrace_ingest_(bus_messages|id_lookups|ids_filtered)_total/.test(l)).join('\n'));
  // CPU per event is steadier than rates on a shared machine: process (all threads, chDB
  // included); the main thread's event loop busy time is wall time (it counts while the
  // thread waits for a core).
  console.log(`CPU per event: process ${((cpu.user + cpu.system) / count).toFixed(1)} µs; event loop busy ${((elu.active * 1000) / count).toFixed(1)} µs`);
  // Where the CPU went (Linux): each thread's CPU time, by thread name (node: V8's helpers,
  // mostly the garbage collector, and libuv's pool, where chDB parses inserts).
  console.log(`  GC pauses on the main thread: ${gc.minor.n} minor, ${((gc.minor.ms * 1000) / count).toFixed(1)} µs per event; ${gc.major.n} major, ${((gc.major.ms * 1000) / count).toFixed(1)} µs per event`);
  console.log(`  peak resident memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; page faults (minor: fresh memory touched) ${(faults / count).toFixed(2)} per event`);
  if (threads.size > 0) console.log(`  by thread (µs per event): ${cpuPerItem(threads, count)}`);
  if (faultsByThread.size > 0) console.log(`  minor page faults per event by thread: ${cpuPerItem(faultsByThread, count, { digits: 2 })}`);
  if (natsCpu) console.log(`  nats-server (µs per event): ${cpuPerItem(natsCpu, count, { total: true })}`);
  await rt.shutdown();
  await store.close();
  await nats?.stop();
  removeTempDir(dir);
  clearInterval(alive);
}

/** STATEMENTS=1: wall time of the store's statements by kind (first words of the SQL), on this store and its forks. */
function timeStatements(store: Store): { reset(): void; report(): string } {
  const byKind = new Map<string, { n: number; ms: number }>();
  /** Each insert's (and committed-ID lookup's) start and end, ms since reset, with its connection: when the engine was kept busy. */
  let zero = performance.now();
  const inserts: string[] = [];
  const note = (kind: string, t0: number) => {
    if (kind.includes('FROM event_ids')) inserts.push(`lookup ${(t0 - zero).toFixed(0)}–${(performance.now() - zero).toFixed(0)}`);
    if (kind.includes(' insert ')) inserts.push(`${kind.split(' ')[0]} ${(t0 - zero).toFixed(0)}–${(performance.now() - zero).toFixed(0)}`);
    const k = byKind.get(kind) ?? { n: 0, ms: 0 };
    k.n++;
    k.ms += performance.now() - t0;
    byKind.set(kind, k);
  };
  const kindOf = (q: { build(): { query: string } }) => q.build().query.replace(/\s+/g, ' ').trim().slice(0, 60);
  const timed = async <R,>(kind: string, run: () => Promise<R>): Promise<R> => {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      note(kind, t0);
    }
  };
  const wrap = (s: Store, label: string) => {
    const { query, command, insertJsonEachRow, fork } = s;
    s.query = <T,>(q: Parameters<Store['query']>[0], schema?: z.ZodType<T>): Promise<T[]> =>
      timed(`${label} query ${kindOf(q)}`, async () => (await query.call(s, q, schema)) as T[]);
    s.command = (q, settings) => timed(`${label} command ${kindOf(q)}`, () => command.call(s, q, settings));
    s.insertJsonEachRow = (table, body) => timed(`${label} insert ${table}`, () => insertJsonEachRow.call(s, table, body));
    s.fork = async () => wrap(await fork.call(s), `${label}'`);
    return s;
  };
  wrap(store, 'store');
  return {
    reset: () => {
      byKind.clear();
      inserts.length = 0;
      zero = performance.now();
    },
    report: () =>
      [...byKind.entries()]
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([k, v]) => `  ${v.ms.toFixed(0).padStart(7)} ms ${String(v.n).padStart(5)}×  ${k}`)
        .concat(`  inserts (connection, ms from the start): ${inserts.join(', ')}`)
        .join('\n'),
  };
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
