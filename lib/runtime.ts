// The process-wide runtime: store, bus, ingest writer and its buffer, created once on
// first use (never at import: next build imports route modules). Shutdown drains the
// buffer so nothing accepted is lost.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createStore, type Store } from './clickhouse/client';
import { env } from './env';
import type { Bus } from './bus/types';
import { createInProcessBus } from './bus/in-process';
import { Batcher } from './ingest/batcher';
import { IngestWriter } from './ingest/writer';
import { fenceWriter, type FencedWriter } from './clickhouse/write-fence';
import { rowSize, type EventRow } from './ingest/rows';
import { metrics } from './observability/metrics';
import { startNatsIngestConsumer } from './ingest/nats-consumer';
import type { NatsBus } from './bus/nats';
import type { WriterLease } from './bus/writer-lease';

export interface Runtime {
  store: Store;
  bus: Bus;
  /** Present where this process runs the ingest writer; a tag of add() is passed to IngestWriter.write(). */
  batcher: Batcher<EventRow, boolean, unknown> | null;
  /** Present where this process owns the stitching graph (manual link corrections go here). */
  writer?: IngestWriter | null;
  /** Why this process's writer stopped (its lease was lost to another process), else null. */
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
  const store = opts.store ?? (await createStore(opts.dataDir ? { dataDir: opts.dataDir } : undefined));
  let runWorker = opts.worker ?? e.CASHTRACE_INGEST_WORKER;
  const natsUrl = opts.natsUrl === undefined ? e.NATS_URL : opts.natsUrl;
  let natsBus: NatsBus | null = null;
  /** Why this process stopped writing (its lease lost), else null. */
  let writerLost: string | null = null;
  let stopConsumer: (() => Promise<void>) | null = null;
  let lease: WriterLease | null = opts.lease ?? null;
  if (natsUrl) {
    const { createNatsBus } = await import('./bus/nats');
    const { natsAuth } = await import('./bus/nats-connect');
    natsBus = await createNatsBus(natsUrl, e.CASHTRACE_NATS_PREFIX, { replicas: e.CASHTRACE_NATS_REPLICAS, auth: natsAuth(e) });
    if (runWorker && !lease) {
      const { acquireWriterLease, leaseHolder } = await import('./bus/writer-lease');
      // Lost (another process took over): stop consuming at once, so that only one writer runs;
      // the web process goes on serving, and says so in its health.
      const onLost = (why: string) => {
        writerLost = why;
        console.error(`[ingest] the ingest writer's lease is lost: ${why}; this process stops writing (restart it to write again)`);
        void stopConsumer?.();
        opts.onLeaseLost?.(why);
      };
      const leaseOpts = { ttlMs: e.CASHTRACE_WRITER_LEASE_S * 1000, replicas: natsBus.replicas, onLost, log: (line: string) => console.log(`[ingest] ${line}`) };
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
  let batcher: Batcher<EventRow, boolean, unknown> | null = null;
  let writer: IngestWriter | null = null;
  let lookups: Store | undefined;
  /** Insert connections of the writer besides `store` (a server store's forks share its HTTP client). */
  const inserters: Store[] = [];
  /** The writer's fenced connections to a ClickHouse server (lib/clickhouse/write-fence). */
  let fenced: FencedWriter | null = null;
  if (runWorker) {
    // To a server, the writer's statements are fenced by its lease and named for it, and a
    // writer taking over waits for the last one's statements first (lib/clickhouse/write-fence);
    // an embedded data directory is one process's anyway.
    let writes = store;
    if (lease && store.kind === 'server') {
      const held = lease;
      fenced = await fenceWriter(store, { id: held.holder.id, check: () => held.check() }, { info: (line) => console.log(`[ingest] ${line}`), warn: (line) => console.error(`[ingest] ${line}`) });
      writes = fenced.store;
    }
    lookups = await writes.fork();
    for (let i = 1; i < e.CASHTRACE_INSERT_CONNECTIONS; i++) inserters.push(await writes.fork());
    // Embedded, this process owns the data directory: the writer is the only one.
    const w = await IngestWriter.open(writes, lookups, [...inserters, writes], { soleWriter: store.kind === 'embedded' });
    writer = w;
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
    batcher = new Batcher<EventRow, boolean, unknown>({
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
    const b = batcher;
    metrics().gauge('cashtrace_ingest_queue_rows', 'Rows waiting in the write buffer (bus lag inside the process).', () => b.stats.queuedRows);
    metrics().gauge('cashtrace_ingest_queue_bytes', 'Bytes waiting in the write buffer.', () => b.stats.queuedBytes);
    metrics().gauge('cashtrace_stitch_graph_keys', 'Entity keys in the stitching graph.', () => w.stitcher.size);
    metrics().gauge('cashtrace_ingest_last_insert_timestamp_seconds', 'When the writer last stored rows in ClickHouse (Unix time; 0: not since start).', () => w.lastInsertAt / 1000);
  }
  let bus: Bus;
  if (natsBus) {
    bus = natsBus;
    if (batcher) stopConsumer = await startNatsIngestConsumer(natsBus, batcher, store);
  } else {
    if (!batcher) throw new Error('Without NATS_URL the ingest writer must run in this process (CASHTRACE_INGEST_WORKER=on).');
    const b = batcher;
    // Not async: nothing of this call holds the rows while the insert runs (see lib/ingest/rows).
    bus = createInProcessBus((rows) => b.add(rows, rowBytes(rows)).then((duplicateFlags) => ({ duplicateFlags })));
  }
  const stops: (() => void | Promise<void>)[] = [];
  const rt: Runtime = {
    store,
    bus,
    batcher,
    writer,
    lookups,
    ingestToken: e.CASHTRACE_INGEST_TOKEN ?? ingestTokenFromDataDir(e.CASHTRACE_DATA_DIR),
    writerLost: () => writerLost,
    writerHeld: () => (writerLost ? null : (fenced?.held() ?? null)),
    startedAt: new Date(),
    onShutdown(stop) {
      stops.push(stop);
    },
    async shutdown() {
      // services first: a verifier pass after the store closed failed ("ChdbConnection is closed")
      for (const stop of stops.splice(0)) await stop();
      if (stopConsumer) await stopConsumer();
      if (batcher) await batcher.drain();
      if (writer) {
        await writer.settled();
        writer.clocks.close();
      }
      await fenced?.close();
      // drained: a standby writer may take over now
      await lease?.release();
      await bus.close();
      for (const s of [lookups, ...inserters]) if (s && s !== store) await s.close();
    },
  };
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
