// The process-wide runtime: store, bus, ingest writer and its buffer, created once on
// first use (never at import: next build imports route modules). Shutdown drains the
// buffer so nothing accepted is lost.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createStore, type Store } from './clickhouse/client';
import { loadOverrides, SETTINGS_POLL_MS } from './settings/overrides';
import { env } from './env';
import { calendars } from './sla/calendars';
import { fxRates } from './money/rates';
import { kpiTargets } from './kpis/definitions';
import type { Bus } from './bus/types';
import { createInProcessBus } from './bus/in-process';
import { Batcher } from './ingest/batcher';
import { IngestWriter } from './ingest/writer';
import { fenceWriter, type FencedWriter } from './clickhouse/write-fence';
import { rowSize, type EventRow } from './ingest/rows';
import { metrics } from './observability/metrics';
import { startNatsIngestConsumer } from './ingest/nats-consumer';
import type { NatsBus } from './bus/nats';
import type { LeaseOptions, WriterLease } from './bus/writer-lease';

export interface Runtime {
  store: Store;
  bus: Bus;
  /** Present where this process runs the ingest writer; a tag of add() is passed to IngestWriter.write(). */
  batcher: Batcher<EventRow, boolean, unknown> | null;
  /** Present where this process owns the stitching graph (manual link corrections go here). */
  writer?: IngestWriter | null;
  /** Why this process's writer stopped (its lease lost; it waits as a standby to take it back), else null. */
  writerLost?: () => string | null;
  /** Why this process's writer holds its writes now (its lease unconfirmed: lib/clickhouse/write-fence), else null. */
  writerHeld?: () => string | null;
  /** Lookups of committed event IDs: a second connection, so they do not wait for the writer's inserts. */
  lookups?: Store;
  ingestToken: string;
  startedAt: Date;
  /** Background services started on this runtime (verifier, alert evaluator, connectors) are stopped first at shutdown. */
  onShutdown(stop: () => void | Promise<void>): void;
  shutdown(): Promise<void>;
}

/** A running ingest writer: built at start, and again when a lost lease is taken back. */
interface WriterParts {
  batcher: Batcher<EventRow, boolean, unknown>;
  writer: IngestWriter;
  /** Lookups of committed event IDs (a second connection). */
  lookups: Store;
  /** Insert connections of the writer besides `store` (a server store's forks share its HTTP client). */
  inserters: Store[];
  /** The writer's fenced connections to a ClickHouse server (lib/clickhouse/write-fence). */
  fenced: FencedWriter | null;
  /** Stops consuming the NATS ingest stream (null: the in-process bus). */
  stopConsumer: (() => Promise<void>) | null;
}

const g = globalThis as unknown as { __cashtraceRuntime?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  if (!g.__cashtraceRuntime) {
    g.__cashtraceRuntime = createRuntime().catch((err) => {
      g.__cashtraceRuntime = undefined;
      throw err;
    });
  }
  return g.__cashtraceRuntime;
}

/** The write buffer's share of rows: their JSON's size in bytes. */
function rowBytes(rows: readonly EventRow[]): number {
  let bytes = 0;
  for (const r of rows) bytes += rowSize(r);
  return bytes;
}

export interface RuntimeOptions {
  store?: Store;
  dataDir?: string;
  natsUrl?: string | null;
  worker?: boolean;
  /**
   * With NATS: the writer's lease, taken before (the standalone worker waits for it as a
   * standby before it opens the store). Without one a runtime that would run the writer
   * tries to take it, and runs without the writer when another process holds it.
   */
  lease?: WriterLease;
  /** How long to wait for a held lease before running without the writer (default: the lease's time and 2 s). */
  leaseWaitMs?: number;
  /** When the writer's lease is lost (besides this runtime stopping its writer's consumption). */
  onLeaseLost?: (why: string) => void;
}

export async function createRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  const e = env();
  // the business calendars, exchange rates and KPI targets are configuration too: an invalid
  // CASHTRACE_CALENDARS or CASHTRACE_KPI_TARGETS, or a reporting currency without rates, stops start-up here
  calendars();
  fxRates();
  kpiTargets();
  const store = opts.store ?? (await createStore(opts.dataDir ? { dataDir: opts.dataDir } : undefined));
  // the rates and KPI targets an admin set on /admin, before the writer builds any clock with them
  await loadOverrides(store);
  let runWorker = opts.worker ?? e.CASHTRACE_INGEST_WORKER;
  const natsUrl = opts.natsUrl === undefined ? e.NATS_URL : opts.natsUrl;
  let natsBus: NatsBus | null = null;
  /** Why this process stopped writing (its lease lost; a standby until it takes it again), else null. */
  let writerLost: string | null = null;
  let lease: WriterLease | null = opts.lease ?? null;
  /** The writer as it runs now (null: this process does not write, or waits as a standby after a loss). */
  let current: WriterParts | null = null;
  let stopping = false;
  /** Waiting as a standby after a loss, to write again (stopped at shutdown). */
  let standby: { abort: AbortController; done: Promise<void> } | null = null;
  let leaseOpts: LeaseOptions | null = null;
  /** Counts the losses: a writer whose start a loss overtook (its lease lost meanwhile) is stopped, not run. */
  let losses = 0;
  if (natsUrl) {
    const { createNatsBus } = await import('./bus/nats');
    const { natsAuth } = await import('./bus/nats-connect');
    natsBus = await createNatsBus(natsUrl, e.CASHTRACE_NATS_PREFIX, { replicas: e.CASHTRACE_NATS_REPLICAS, auth: natsAuth(e) });
    if (runWorker && !lease) {
      const { acquireWriterLease, leaseHolder } = await import('./bus/writer-lease');
      const nb = natsBus;
      // Lost (another process took over, or the lease's revisions cannot tell it did not): stop
      // writing at once, so that only one writer runs, and wait as a standby. Taken again, the
      // writer starts afresh as a standby taking over does: its stitching graph and duplicate
      // filter read again from ClickHouse (another writer may have written meanwhile), and what
      // the lost one had not stored is delivered again. The web process goes on serving, and
      // says so in its health.
      const onLost = (why: string) => {
        writerLost = `${why} — waiting as a standby to take the lease again`;
        losses++;
        metrics().leaseLosses.inc();
        console.error(`[ingest] the ingest writer's lease is lost: ${why}; this process stops writing and waits as a standby to take it again`);
        opts.onLeaseLost?.(why);
        const lostParts = current;
        current = null;
        const abort = new AbortController();
        const done = (async () => {
          if (lostParts) await stopWriter(lostParts, { lost: true });
          const again = await acquireWriterLease(nb.nc, e.CASHTRACE_NATS_PREFIX, { ...leaseOpts!, wait: true, signal: abort.signal });
          if (!again) return; // shutting down
          if (stopping) return void (await again.release());
          lease = again;
          try {
            if (!(await runWriter(again, nb))) return; // lost again while starting: that loss's standby goes on
          } catch (err) {
            await again.release(); // a standby elsewhere may write instead
            throw err;
          }
          writerLost = null;
          console.log(`[ingest] the ingest writer's lease is held again (${again.holder.host} pid ${again.holder.pid}): this process writes again, its stitching graph read afresh`);
        })()
          .catch((err: unknown) => {
            writerLost = `${why} — taking the lease again failed (${err instanceof Error ? err.message : String(err)}): restart this process to write again`;
            console.error(`[ingest] ${writerLost}`);
          })
          .finally(() => {
            if (standby?.abort === abort) standby = null;
          });
        standby = { abort, done };
      };
      leaseOpts = { ttlMs: e.CASHTRACE_WRITER_LEASE_S * 1000, replicas: natsBus.replicas, onLost, log: (line: string) => console.log(`[ingest] ${line}`) };
      // Waits out one lease at most: this process's own before a crash and restart, or a
      // holder that just died; a live holder renews it, and this process runs without the writer.
      lease = await acquireWriterLease(natsBus.nc, e.CASHTRACE_NATS_PREFIX, { ...leaseOpts, wait: opts.leaseWaitMs ?? leaseOpts.ttlMs + 2_000 });
      if (!lease) {
        const other = await leaseHolder(natsBus.nc, e.CASHTRACE_NATS_PREFIX, leaseOpts).catch(() => null);
        console.log(`[ingest] another process writes the ingest stream (${other ? `${other.host} pid ${other.pid}, since ${other.since}` : 'its lease is held'}): this one runs without the ingest writer`);
        runWorker = false;
      }
    }
  }

  /** The writer, its write buffer and (with NATS) its consumption of the ingest stream, under `held` where a lease is held. */
  async function startWriter(held: WriterLease | null, nb: NatsBus | null): Promise<WriterParts> {
    // To a server, the writer's statements are fenced by its lease and named for it, and a
    // writer taking over waits for the last one's statements first (lib/clickhouse/write-fence);
    // an embedded data directory is one process's anyway.
    let writes = store;
    let fenced: FencedWriter | null = null;
    if (held && store.kind === 'server') {
      fenced = await fenceWriter(store, { id: held.holder.id, check: () => held.check() }, { info: (line) => console.log(`[ingest] ${line}`), warn: (line) => console.error(`[ingest] ${line}`) });
      writes = fenced.store;
    }
    const lookups = await writes.fork();
    /** Insert connections of the writer besides `store` (a server store's forks share its HTTP client). */
    const inserters: Store[] = [];
    for (let i = 1; i < e.CASHTRACE_INSERT_CONNECTIONS; i++) inserters.push(await writes.fork());
    // Embedded, this process owns the data directory: the writer is the only one.
    const w = await IngestWriter.open(writes, lookups, [...inserters, writes], { soleWriter: store.kind === 'embedded' });
    // Rows: ClickHouse wants thousands per insert. Time: a lone request waits at most
    // maxWaitMs for company. Bytes: one insert stays well under the engine's block limits.
    // In flight: the next batch is deduplicated and stitched while the previous is inserted.
    // A partial batch waits for the running insert to end and takes what gathered meanwhile;
    // only a full batch goes alongside it. Every insert costs the engine a fixed number of files
    // (a part per table and partition it touches: ~250 files for the bench's rows with the
    // monthly partitions of then, 6 parts since sql/059), and on this machine's ext4 a file costs
    // up to ~1 ms of kernel CPU, so fewer, bigger inserts are much cheaper per row (raw
    // inserts, 2 connections: 12k-row chunks 45k/s and 26 µs of engine CPU per row, 24k-row
    // chunks 58–62k/s and 19 µs). Until 2026-12-01 a partial batch of half the rows went
    // alongside: through HTTP, 8 requests in flight, 16 inserts instead of 11, runs
    // bracketed 36.1k / 27.6k against 40.1k / 39.4k events/s, app CPU 53–64 against 46–48 µs
    // per event; at 16 in flight both made 11–12 inserts.
    const maxRows = e.CASHTRACE_BATCH_MAX_ROWS ?? 20_000;
    const batcher = new Batcher<EventRow, boolean, unknown>({
      maxRows,
      maxBytes: e.CASHTRACE_BATCH_MAX_BYTES,
      maxWaitMs: e.CASHTRACE_BATCH_MAX_WAIT_MS,
      maxQueuedBytes: e.CASHTRACE_QUEUE_MAX_BYTES,
      maxInFlight: e.CASHTRACE_BATCH_IN_FLIGHT,
      alongsideMinRows: Infinity,
      flush: async (events, prepared, parts) => {
        const r = await w.write(events, prepared, parts);
        return r.stored.map((s) => !s);
      },
    });
    const stopConsumer = nb ? await startNatsIngestConsumer(nb, batcher, store) : null;
    return { batcher, writer: w, lookups, inserters, fenced, stopConsumer };
  }

  /**
   * Stops the writer: its consumption first, then what its buffer holds is written (a lost
   * writer's fenced statements are refused, and its messages, unacknowledged, are delivered
   * again to the next), then its connections closed.
   */
  async function stopWriter(parts: WriterParts, { lost }: { lost: boolean }): Promise<void> {
    await parts.stopConsumer?.();
    if (lost) await parts.batcher.drain().catch((err: unknown) => console.error(`[ingest] the lost writer's buffer: ${err instanceof Error ? err.message : String(err)} (delivered again to the next writer)`));
    else await parts.batcher.drain();
    await parts.writer.settled();
    parts.writer.clocks.close();
    await parts.fenced?.close();
    for (const s of [parts.lookups, ...parts.inserters]) if (s !== store) await s.close();
  }

  /** Starts the writer under `held` and runs it, unless the lease was lost while it started (then it is stopped: false). */
  async function runWriter(held: WriterLease | null, nb: NatsBus | null): Promise<boolean> {
    const before = losses;
    const parts = await startWriter(held, nb);
    if (losses !== before) {
      await stopWriter(parts, { lost: true });
      return false;
    }
    current = parts;
    return true;
  }

  if (runWorker) {
    await runWriter(lease, natsBus);
    metrics().gauge('cashtrace_ingest_queue_rows', 'Rows waiting in the write buffer (bus lag inside the process).', () => current?.batcher.stats.queuedRows ?? 0);
    metrics().gauge('cashtrace_ingest_queue_bytes', 'Bytes waiting in the write buffer.', () => current?.batcher.stats.queuedBytes ?? 0);
    metrics().gauge('cashtrace_stitch_graph_keys', 'Entity keys in the stitching graph.', () => current?.writer.stitcher.size ?? 0);
    metrics().gauge('cashtrace_ingest_last_insert_timestamp_seconds', 'When the writer last stored rows in ClickHouse (Unix time; 0: not since start).', () => (current?.writer.lastInsertAt ?? 0) / 1000);
  }
  let bus: Bus;
  if (natsBus) {
    bus = natsBus;
  } else {
    // the in-process bus's writer never changes (no lease to lose)
    const b = (current as WriterParts | null)?.batcher;
    if (!b) throw new Error('Without NATS_URL the ingest writer must run in this process (CASHTRACE_INGEST_WORKER=on).');
    // Not async: nothing of this call holds the rows while the insert runs (see lib/ingest/rows).
    bus = createInProcessBus((rows) => b.add(rows, rowBytes(rows)).then((duplicateFlags) => ({ duplicateFlags })));
  }
  const stops: (() => void | Promise<void>)[] = [];
  const rt: Runtime = {
    store,
    bus,
    get batcher() {
      return current?.batcher ?? null;
    },
    get writer() {
      return current?.writer ?? null;
    },
    get lookups() {
      return current?.lookups;
    },
    ingestToken: e.CASHTRACE_INGEST_TOKEN ?? ingestTokenFromDataDir(e.CASHTRACE_DATA_DIR),
    writerLost: () => writerLost,
    writerHeld: () => (writerLost ? null : (current?.fenced?.held() ?? null)),
    startedAt: new Date(),
    onShutdown(stop) {
      stops.push(stop);
    },
    async shutdown() {
      stopping = true;
      // services first: a verifier pass after the store closed failed ("ChdbConnection is closed")
      for (const stop of stops.splice(0)) await stop();
      // a standby after a loss stops waiting (or, having just taken the lease again, starts its writer first)
      if (standby) {
        standby.abort.abort();
        await standby.done;
      }
      const parts = current;
      current = null;
      try {
        if (parts) await stopWriter(parts, { lost: false });
      } finally {
        // drained (or its last writes refused, unacknowledged: delivered again): a standby writer may take over now
        await lease?.release();
        await bus.close();
      }
    },
  };
  // another process (a web server, the worker) may change them: read them again every few seconds;
  // new rates re-key every clock, which the writer builds again (read from the events meanwhile)
  let pollFailed = false;
  const poll = setInterval(() => {
    loadOverrides(store).then(
      (changed) => {
        pollFailed = false;
        if (changed.includes('fx_rate')) rt.writer?.clocks.invalidate();
      },
      (err) => {
        if (!pollFailed && !stopping) console.error(`[settings] reading the settings set on /admin failed (the last ones read stay in force): ${String(err)}`);
        pollFailed = true;
      },
    );
  }, SETTINGS_POLL_MS);
  poll.unref();
  stops.push(() => clearInterval(poll));
  return rt;
}

/** Without CASHTRACE_INGEST_TOKEN the demo generates one, keeps it beside the data and prints it. */
export function ingestTokenFromDataDir(dataDir: string): string {
  const file = path.resolve(dataDir, 'ingest-token');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const token = `ct_ingest_${crypto.randomBytes(24).toString('base64url')}`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, token, { mode: 0o600 });
    console.log(`[cashtrace] generated an ingest token (kept in ${file}): ${token}`);
    return token;
  }
}

let shutdownHooked = false;
/**
 * On SIGTERM/SIGINT: drains the write buffer, lets the clocks catch up, closes the store,
 * then exits. The server runs with NEXT_MANUAL_SIG_HANDLE (scripts/start.mjs, `npm run
 * serve`): Next.js's own handler would exit the process while this one drains, and an exit
 * with the embedded engine at work hung for good in chDB's exit handlers, holding the data
 * directory (a restart then found it in use).
 */
export function hookShutdown(): void {
  if (shutdownHooked) return;
  shutdownHooked = true;
  let stopping: string | null = null;
  const stop = async (sig: string) => {
    // Ctrl-C reaches the whole process group, then npm start's script sends SIGTERM too:
    // one drain, not two at once (the first to finish exited while the other still closed).
    if (stopping) {
      console.log(`[cashtrace] ${sig}: already stopping (${stopping})`);
      return;
    }
    stopping = sig;
    const rt = g.__cashtraceRuntime ? await g.__cashtraceRuntime.catch(() => null) : null;
    let code = 0;
    if (rt) {
      console.log(`[cashtrace] ${sig}: draining the ingest buffer`);
      const t0 = Date.now();
      try {
        await rt.shutdown();
        await rt.store.close();
        console.log(`[cashtrace] stopped: ingest buffer drained, store closed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (err) {
        code = 1;
        console.error('[cashtrace] shutdown error', err);
      }
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
