// `npm run bench` (BENCH_SCALE=small for a quick run): raw insert rate of the engine,
// the pipeline's rate through POST /api/ingest/events (embedded, and with NATS JetStream)
// on the same rows, ingest-to-visible latency, collector throughput when collectors/bench.ts
// exists, and p50/p95 of every lib/queries get* function at two volumes. Speed is measured
// here only, never in timed tests. Writes bench/last-run.md.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { env } from '../lib/env';
import { createStore } from '../lib/clickhouse/client';
import { sql } from '../lib/clickhouse/sql';
import { truncateAll } from '../lib/testing/temp-store';
import { deferTempRemoval, tempDir } from '../lib/testing/temp-dir';
import { benchCustomer, benchDeals, benchEvents, buildClockSnapshot, loadScale, prepareRows, rawInsert, replicate, settleMerges, type RawForm } from './data';
import { postAll, visibleLatency, warmUp } from './ingest';
import { discoverQueries, timeQueries, type QueryContext } from './queries';
import { writeReport, type IngestRow, type Report } from './report';
import { buildApp, startApp, startNats } from './server';
import { collectorHttp, collectorParsing } from './collectors';
import { cpuPerItem, pageTouchCost, threadCpuSince, threadFaults, treeCpu } from '../lib/testing/thread-cpu';

const log = (l: string) => console.log(`[bench] ${l}`);

async function queryContext(store: Awaited<ReturnType<typeof createStore>>, now: Date): Promise<QueryContext> {
  const customer = await benchCustomer(store);
  const trace = await store.query(sql`SELECT trace_id FROM events WHERE trace_id != '' LIMIT 1`, z.object({ trace_id: z.string() }));
  return { store, now, ...(await benchDeals(store)), customer, traceId: trace[0]?.trace_id ?? '' };
}

async function main(): Promise<void> {
  const e = env();
  const small = e.BENCH_SCALE === 'small';
  const ingestOnly = e.BENCH_ONLY === 'ingest';
  const ingestEvents = small ? 50_000 : 200_000;
  const volumes = small ? [100_000, 1_000_000] : [1_000_000, 10_000_000];
  const seed = 4242;
  const now = Date.now();
  // What touching fresh memory costs here (every new buffer, heap page and engine allocation pays it).
  const touch = pageTouchCost();
  const report: Report = {
    startedAt: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)} at start; the first write to a fresh 4 KiB page ${touch.firstUs.toFixed(1)} µs, again ${touch.againUs.toFixed(2)} µs`,
    scale: small ? 'small' : 'full',
    events: 0,
    avgBytes: 0,
    rawRate: 0,
    ingest: [],
    latency: [],
    queries: [],
    notes: [],
  };

  log(`preparing ${ingestEvents} events from the simulator …`);
  const rows = prepareRows(ingestEvents, seed, now);
  report.events = rows.events.length;
  report.avgBytes = rows.requestBodies.reduce((s, b) => s + b.length, 0) / rows.events.length;
  // Other deals (another seed, other record numbers) for the untimed warm-up request.
  const warmBody = [...benchEvents(2000, seed + 1, now, 120, 50_000_000)].map((b) => JSON.stringify(b.event)).join('\n');

  const dir = tempDir('cashtrace-bench-store-');
  const store = await createStore({ dataDir: dir });
  /** Connections of the raw insert (below). */
  const connections = [store, await store.fork(), await store.fork()];
  // Nothing is deleted until the ingest section is done (app data directories, nats-server
  // stores, the in-process runs' stores): on this machine's file system, files freed in one
  // phase made the engine's file creation in the next cost several times more
  // (lib/testing/temp-dir). The query section only creates files while it loads (untimed).
  const removeTemp = deferTempRemoval('cashtrace-bench-');
  try {
    // Rounds of raw insert ▶ embedded ▶ NATS ▶ raw insert (the next round's "before"): the
    // machine is shared and its speed drifts by a third within minutes, so each pipeline run
    // is set against the mean of the raw runs on either side of it, and the table shows the
    // median over rounds of each rate and of each ratio.
    // The limit: the engine's best raw rate over connection counts and insert settings. On
    // one chDB connection inserts run one at a time (~1.3 of the 2 cores busy); on two they
    // overlap (until 2026-12-01 the limit was measured on one connection only, ~60% of what
    // the engine can). Each insert on one thread without parallel parsing was 12–20% faster
    // on two connections (three pairs, 2026-12-01 20:05 UTC; the pipeline's own inserts
    // gained nothing from it in process: 53.2 / 56.7k against 54.0 / 56.5k events/s), so the
    // limit takes it too since then.
    const SINGLE_THREAD = { max_threads: 1, input_format_parallel_parsing: 0 };
    // Both forms the engine can take these events in: rows of `events` itself, and the
    // writer's own form into `events_in` (the lines as the pipeline keeps them, under their
    // deals; its view writes `events`). The latter is ~6% fewer bytes and, measured side by
    // side (2026-12-02 16:30 UTC, 2 connections), 101–117k against 87–94k events/s: the
    // limit takes the faster, so the pipeline's own insert form is no easier than the limit.
    const shapes = (['events', 'events_in'] as const).flatMap((form) => [1, 2, 3].flatMap((n) => [false, true].map((single) => ({ form, n, single }))));
    const shapeName = ({ form, n, single }: { form: RawForm; n: number; single: boolean }) =>
      `${form === 'events_in' ? "events_in (the writer's form) on " : ''}${n} connection${n > 1 ? 's' : ''}${single ? ', one thread per insert' : ''}`;
    /** Per shape (by name): each raw run's rate. */
    const rawByShape = new Map<string, number[]>(shapes.map((sh) => [shapeName(sh), []]));
    /** Each raw run's fresh memory touched by thread, into events_in on 2 connections with the default settings (the pipeline's shape). */
    const rawFaults: string[] = [];
    const rawRun = async (when: string) => {
      log(`raw insert into events and into events_in (pre-serialised JSONEachRow, ${rows.rowChunks.length} inserts, one at a time on each of 1 / 2 / 3 connections, with the default insert settings and with one thread per insert), ${when} …`);
      let best = 0;
      for (const sh of shapes) {
        // The seeded SLA policies stay: the query section times getSlaBreaches against them.
        // Parts are detached, not deleted: see deferTempRemoval above.
        await truncateAll(store, { keep: ['sla_policies'], detach: true });
        const faults0 = threadFaults();
        const raw = await rawInsert(connections.slice(0, sh.n), rows, { form: sh.form, settings: sh.single ? SINGLE_THREAD : undefined });
        const faults = cpuPerItem(threadCpuSince(faults0, threadFaults()), rows.events.length, { total: true, digits: 2 });
        await truncateAll(store, { keep: ['sla_policies'], detach: true });
        log(`  ${shapeName(sh)}: ${Math.round(raw.rate)} events/s; minor page faults per event: ${faults}`);
        if (sh.form === 'events_in' && sh.n === 2 && !sh.single) rawFaults.push(faults);
        rawByShape.get(shapeName(sh))!.push(raw.rate);
        best = Math.max(best, raw.rate);
      }
      return best;
    };
    const rounds = e.BENCH_INGEST_ROUNDS;
    report.notes.push(`The pipeline's client keeps ${e.BENCH_INGEST_CLIENTS.join(' or ')} NDJSON requests of 5k events in flight (BENCH_INGEST_CLIENTS), posted with node:http from the bench process; the raw insert writes the same rows in ${rows.rowChunks.length} inserts (~${Math.round(rows.events.length / rows.rowChunks.length / 1000)}k rows each), as rows of events and in the writer's own form into events_in (~${Math.round(rows.rowChunks.reduce((n, b) => n + b.length, 0) / rows.events.length)} and ~${Math.round(rows.inChunks.reduce((n, b) => n + b.length, 0) / rows.events.length)} bytes per event), one at a time on each of 1, 2 and 3 connections, with the default insert settings and with one thread per insert (max_threads 1, no parallel parsing); the limit is the best of those.`);
    // The app is built (when it must be) before anything is timed: a build frees thousands
    // of files, which slows the engine's file creation for minutes after (lib/testing/temp-dir);
    // built between the first raw run and the first pipeline run, it weighed on the pipeline only.
    await buildApp(log, e.BENCH_REBUILD);
    const raws = [await rawRun(`round 1 of ${rounds}, before the pipelines`)];
    const collectorRows: IngestRow[] = [];
    /** Per path (in first-seen order): each round's rate and its ratio to that round's raw mean. */
    const perPath = new Map<string, { rate: number; ratio: number; note?: string }[]>();
    for (let round = 0; round < rounds; round++) {
      const runs: { path: string; rate: number; note?: string }[] = [];
      // Each client load, embedded then NATS (latency and collectors with the first load only).
      const clientCounts = e.BENCH_INGEST_CLIENTS;
      const pipelines = clientCounts.flatMap((clients, i) => (['embedded', 'nats'] as const).map((mode) => ({ clients, mode, first: i === 0 })));
      for (const { clients, mode, first } of pipelines) {
        const inFlight = clientCounts.length > 1 ? `, ${clients} requests in flight` : '';
        const nats = mode === 'nats' ? await startNats() : null;
        const app = await startApp({ natsUrl: nats?.url, log });
        try {
          await warmUp(app, warmBody);
          log(`pipeline (${mode}, round ${round + 1}): POST /api/ingest/events, ${rows.requestBodies.length} NDJSON requests of 5k, ${clients} in flight …`);
          // CPU per event is steadier than rates on a shared machine: the app's (and nats-server's) threads over the timed section.
          const cpu0 = { app: treeCpu(app.pid), nats: nats?.proc.pid ? treeCpu(nats.proc.pid) : null };
          // And the fresh memory its threads touched (minor faults: costly here; bench/README).
          const faults0 = treeCpu(app.pid, threadFaults);
          let cpuIn: Map<string, number> | null = null;
          let faultsIn: Map<string, number> | null = null;
          // And the client's (this process: posting, polling the metrics) while the rows went in.
          const client0 = process.cpuUsage();
          let clientUs = 0;
          const run = await postAll(app, rows.requestBodies, rows.events.length, clients, () => {
            cpuIn = threadCpuSince(cpu0.app, treeCpu(app.pid));
            faultsIn = threadCpuSince(faults0, treeCpu(app.pid, threadFaults));
            const c = process.cpuUsage(client0);
            clientUs = c.user + c.system;
          });
          const cpu = { app: threadCpuSince(cpu0.app, treeCpu(app.pid)), nats: cpu0.nats && nats?.proc.pid ? threadCpuSince(cpu0.nats, treeCpu(nats.proc.pid)) : null };
          if (cpu.app.size > 0) {
            const rounds = `${run.inserts} inserts (${Math.round(run.accepted / Math.max(1, run.inserts))} rows each on average); rows in ClickHouse when the last request was answered (${run.seconds.toFixed(1)} s): ${Math.round((100 * run.insertedAtAnswer) / Math.max(1, run.accepted))}%; clock refresh rounds ended while the rows went in (${run.insertedSeconds.toFixed(1)} s): ${run.clockRounds.count} (${run.clockRounds.seconds.toFixed(1)} s)`;
            const inserting = cpuIn ? `while the rows went in: ${cpuPerItem(cpuIn, rows.events.length, { total: true })}; ` : '';
            const line = `${mode}${inFlight} (round ${round + 1}): ${rounds}; CPU per event (µs) in the app, ${inserting}until the clocks caught up: ${cpuPerItem(cpu.app, rows.events.length, { total: true })}${cpu.nats ? `; in nats-server: ${cpuPerItem(cpu.nats, rows.events.length, { total: true })}` : ''}; in the bench's client while the rows went in: ${(clientUs / rows.events.length).toFixed(1)}${faultsIn ? `; minor page faults per event in the app while the rows went in: ${cpuPerItem(faultsIn, rows.events.length, { total: true, digits: 2 })}` : ''}`;
            report.notes.push(line);
            log(`  ${line}`);
          }
          if (run.accepted !== rows.events.length) report.notes.push(`${mode}${inFlight}: ${run.accepted} of ${rows.events.length} accepted (${run.duplicates} duplicates, ${run.rejected} rejected)`);
          const name = `${mode === 'nats' ? 'with NATS JetStream' : 'embedded (in-process bus)'}${inFlight}`;
          if (mode === 'nats') runs.push({ path: `pipeline ${name}: all requests answered 202`, rate: run.rate, note: 'durable in JetStream' });
          runs.push({ path: `pipeline ${name}: all rows in ClickHouse`, rate: run.insertedRate });
          runs.push({ path: `pipeline ${name}: clock snapshot caught up (stuck queues, SLA and KPIs current)`, rate: run.clocksRate });
          log(`  202s: ${Math.round(run.rate)} events/s; in ClickHouse: ${Math.round(run.insertedRate)} events/s; clocks current: ${Math.round(run.clocksRate)} events/s`);
          if (round === 0 && first) {
            const lat = await visibleLatency(app, rows.events[0], small ? 20 : 50);
            report.latency.push({ mode, ...lat });
            log(`  ingest-to-visible p50 ${lat.p50.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms`);
            if (mode === 'embedded' && !ingestOnly) collectorRows.push(...(await collectorHttp(app, rows.events.slice(0, small ? 10_000 : 40_000), log)));
          }
        } finally {
          await app.stop();
          await nats?.stop();
        }
      }
      // The same pipeline without HTTP or a client on the machine's cores (bench/ingest-profile
      // in a process of its own): what the route's transport and the client's load cost.
      for (const mode of ['embedded', 'nats'] as const) {
        const clients = e.BENCH_INGEST_CLIENTS[0];
        log(`pipeline in process (${mode}, round ${round + 1}): ingestBody, no HTTP, ${clients} requests in flight …`);
        const r = await inProcessPipeline(mode, { count: ingestEvents, now, expected: rows.events.length }, clients);
        log(`  in ClickHouse: ${Math.round(r.insertedRate)} events/s; CPU ${r.cpuPerEvent.toFixed(1)} µs per event`);
        runs.push({ path: `pipeline in process, no HTTP (bench/ingest-profile), ${mode === 'nats' ? 'with NATS JetStream' : 'embedded'}, ${clients} requests in flight: all rows in ClickHouse`, rate: r.insertedRate, note: 'not the target: no HTTP, no client on the cores' });
        report.notes.push(`in process, ${mode} (round ${round + 1}): CPU per event ${r.cpuPerEvent.toFixed(1)} µs (process)`);
      }
      raws.push(await rawRun(round + 1 < rounds ? `after round ${round + 1} (before round ${round + 2})` : `after round ${round + 1}`));
      const rawMean = (raws[round] + raws[round + 1]) / 2;
      for (const r of runs) perPath.set(r.path, [...(perPath.get(r.path) ?? []), { rate: r.rate, ratio: r.rate / rawMean, note: r.note }]);
    }

    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    report.rawRate = median(raws);
    report.notes.push(`raw insert into events_in on 2 connections (default settings), minor page faults per event (the bench process) by run: ${rawFaults.map((f, i) => `run ${i + 1}: ${f}`).join('; ')}`);
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    report.ingest.push(
      { path: `raw insert: Store.insertJsonEachRow into events or events_in (the limit: the best form, connection count and insert settings of each run), median of ${raws.length} runs`, rate: report.rawRate },
      { path: 'raw insert runs, in order (best of each)', rate: null, note: `${raws.map((r) => Math.round(r)).join(' / ')} events/s` },
      ...shapes.map((sh) => ({
        path: `raw insert on ${shapeName(sh)}, median`,
        rate: median(rawByShape.get(shapeName(sh))!),
        note: `runs in order: ${rawByShape.get(shapeName(sh))!.map((r) => Math.round(r)).join(' / ')} events/s`,
      })),
    );
    for (const [p, rs] of perPath) {
      report.ingest.push({
        path: p,
        rate: median(rs.map((r) => r.rate)),
        ratio: median(rs.map((r) => r.ratio)),
        note: [rs[0].note, rounds > 1 ? `median of ${rounds} rounds; per round ${rs.map((r) => pct(r.ratio)).join(', ')} of that round's raw rate` : ''].filter(Boolean).join('; '),
      });
    }
    report.ingest.push(...collectorRows);
    if (!ingestOnly) for (const row of await collectorParsing(rows.events, log)) report.ingest.push(row);
    removeTemp();

    let loaded = 0;
    for (const volume of ingestOnly ? [] : volumes) {
      log(`loading the store to ${volume.toLocaleString('en-US')} events …`);
      if (loaded === 0) await loadScale(store, { from: 0, target: volume, seed, now, log });
      else await replicate(store, Math.round(volume / loaded) - 1, log);
      loaded = volume;
      const stored = await store.query(sql`SELECT count() AS n FROM events`, z.object({ n: z.coerce.number() }));
      log(`  ${stored[0].n.toLocaleString('en-US')} events in the store`);
      const label = volume >= 1e6 ? `${volume / 1e6}M` : `${volume / 1e3}k`;
      const snapshot = await buildClockSnapshot(store, log);
      const settle = await settleMerges(store, e.BENCH_SETTLE_S);
      const waited = `${settle.settled ? 'background merges of the load finished' : 'background merges still running'} after ${settle.seconds.toFixed(0)} s (BENCH_SETTLE_S=${e.BENCH_SETTLE_S})`;
      log(`  ${waited}`);
      report.notes.push(`"${label}" = ${stored[0].n.toLocaleString('en-US')} events in the store; ${snapshot}; ${waited}.`);
      // A figure over an empty configuration would measure nothing (the SLA view without policies).
      const policies = await store.query(sql`SELECT count() AS n FROM sla_policies`, z.object({ n: z.coerce.number() }));
      if (policies[0].n === 0) throw new Error('the bench store has no SLA policies: getSlaBreaches would time an empty answer');
      const c = await queryContext(store, new Date(now));
      const { targets, skipped } = await discoverQueries(c);
      for (const s of skipped) if (!report.notes.includes(s)) report.notes.push(s);
      log(`timing ${targets.length} query functions at ${label} events (typical deal ${c.dealId}, customer "${c.customer}") …`);
      report.queries.push({ label, timings: await timeQueries(targets, { runs: 20, warmup: 3, budgetMs: 8000, log, previous: report.queries.at(-1)?.timings }) });
    }
  } finally {
    for (const c of connections.slice(1)) await c.close();
    await store.close();
    removeTemp();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report.notes.push('Client, server and engines share the same 2 cores; figures are medians of one run and noisy (±20%).');
  const file = ingestOnly ? 'last-run-ingest.md' : 'last-run.md';
  const text = writeReport(report, file);
  console.log(`\n${text}`);
  log(`written to ${path.join('bench', file)}`);
}

/** bench/ingest-profile in a child process (one chDB engine per process): the pipeline without HTTP. */
async function inProcessPipeline(mode: 'embedded' | 'nats', events: { count: number; now: number; expected: number }, clients: number): Promise<{ insertedRate: number; cpuPerEvent: number }> {
  const out = path.join(os.tmpdir(), `cashtrace-bench-inproc-${process.pid}.json`);
  fs.rmSync(out, { force: true });
  // The same rows: the same count, seed and clock as the bench's.
  const env = { ...process.env, BENCH_EVENTS: String(events.count), BENCH_NOW: String(events.now), BENCH_CONCURRENCY: String(clients), NATS: mode === 'nats' ? '1' : '', RESULT_FILE: out };
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', path.join('bench', 'ingest-profile.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  child.stdout.on('data', (d) => (tail = (tail + d).slice(-4000)));
  child.stderr.on('data', (d) => (tail = (tail + d).slice(-4000)));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0 || !fs.existsSync(out)) throw new Error(`bench/ingest-profile (${mode}) exited with ${code}:\n${tail}`);
  const r = JSON.parse(fs.readFileSync(out, 'utf8')) as { accepted: number; insertedRate: number; cpuPerEvent: number };
  fs.rmSync(out, { force: true });
  if (r.accepted !== events.expected) throw new Error(`bench/ingest-profile (${mode}): ${r.accepted} accepted, ${events.expected} expected (not the bench's rows)`);
  return r;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[bench] failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
