// One ingest writer at a time, also at the store. With NATS a writer holds a lease
// (lib/bus/writer-lease); a writer cut off from NATS loses it to a standby while it may still
// have rows to insert into a ClickHouse server — its write buffer, an insert on its way —
// and both would store those events (the duplicate check reads what is committed). So:
//
// - A writer's statements go through a fenced store: each checks first that the lease was
//   confirmed within two thirds of the lease (WriteFence.check throws otherwise: the batch
//   fails and is delivered again), and carries a query_id naming the writer
//   (`cashtrace-writer-<id>-<n>`).
// - Once its lease is unconfirmed, the writer resets its connections to the server
//   (fenceWriter: Store.cutOff): an insert whose body the server has not wholly read never
//   completes — a third of the lease before a standby can take over.
// - A writer that takes over waits, before it writes anything, until no statement of
//   another writer runs on the server (system.processes): an insert the server had wholly
//   read goes on after the reset.
//
// What stays open: packets of an insert's body sent before the reset that reach the server
// more than a third of the lease later (a network holding them back that long), or a writer
// whose event loop is blocked that long when its lease lapses.

import type { Store, StatementOptions } from './client';
import { sql } from './sql';
import { metrics } from '../observability/metrics';

export const WRITER_QUERY_PREFIX = 'cashtrace-writer-';

export interface WriteFence {
  /** The writer's own ID (its lease holder's). */
  readonly id: string;
  /** Throws when this process may no longer write as the writer. */
  check(): void;
}

/**
 * `store`, with every statement checked against the fence and named for its writer. Its
 * forks count on from the same number: a server refuses a query_id that is running already.
 */
export function fencedStore(store: Store, fence: WriteFence, counter = { n: 0 }): Store {
  const named = (opts?: StatementOptions): StatementOptions => ({ ...opts, queryId: `${WRITER_QUERY_PREFIX}${fence.id}-${++counter.n}` });
  const check = () => {
    try {
      fence.check();
    } catch (err) {
      metrics().fenceRefusals.inc();
      throw err;
    }
  };
  return {
    ...store,
    async command(q, settings, opts) {
      check();
      return store.command(q, settings, named(opts));
    },
    async insertJsonEachRow(table, body, settings, opts) {
      check();
      return store.insertJsonEachRow(table, body, settings, named(opts));
    },
    async fork() {
      return fencedStore(await store.fork(), fence, counter);
    },
  };
}

/** Why the fence refuses writes now (its message), else null. */
function refused(fence: WriteFence): string | null {
  try {
    fence.check();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export interface FencedWriter {
  /** The writer's store: on connections of its own, every statement fenced. */
  readonly store: Store;
  /** Why the writer holds its writes now (the fence refuses them), else null. */
  held(): string | null;
  /** Stops watching and closes the writer's connections (after it drained, before its lease is released). */
  close(): Promise<void>;
}

/**
 * The writer's store on a server: waits first for another writer's statements to end, then
 * writes on connections of its own, fenced; once the fence refuses, those connections are
 * reset (checked every 200 ms), so an insert still on its way is never completed.
 */
export async function fenceWriter(store: Store, fence: WriteFence, log: { info: (line: string) => void; warn: (line: string) => void }): Promise<FencedWriter> {
  await waitForOtherWriters(store, fence.id, { log: log.info });
  const own = await store.fork({ ownSockets: true });
  let cut = false;
  const watch = setInterval(() => {
    const why = refused(fence);
    if (!why || cut) {
      cut = !!why;
      return;
    }
    cut = true;
    log.warn(`${why}; reset the writer's ${own.cutOff?.() ?? 0} connection(s) to ClickHouse (a request on its way is not completed)`);
  }, 200);
  watch.unref();
  return {
    store: fencedStore(own, fence),
    held: () => refused(fence),
    async close() {
      clearInterval(watch);
      await own.close();
    },
  };
}

export interface OtherWritersOptions {
  /** How long to wait at most (then it goes on, warning). */
  timeoutMs?: number;
  pollMs?: number;
  log?: (line: string) => void;
}

/**
 * Waits until no statement of a writer other than `ownId` runs on the server (in this
 * store's database). Returns how many such statements it saw (0: none ran).
 */
export async function waitForOtherWriters(store: Store, ownId: string, opts: OtherWritersOptions = {}): Promise<number> {
  if (store.kind !== 'server') return 0;
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  const started = Date.now();
  const seen = new Set<string>();
  let said = 0;
  for (;;) {
    const running = await store.query<{ query_id: string; elapsed: number }>(
      sql`SELECT query_id, elapsed FROM system.processes
          WHERE startsWith(query_id, ${WRITER_QUERY_PREFIX}) AND NOT startsWith(query_id, ${`${WRITER_QUERY_PREFIX}${ownId}-`})
            AND current_database = currentDatabase()`,
    );
    if (running.length === 0) {
      if (seen.size > 0) opts.log?.(`the previous writer's ${seen.size} statement(s) ended after ${((Date.now() - started) / 1000).toFixed(1)} s: writing`);
      return seen.size;
    }
    for (const r of running) seen.add(r.query_id);
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      opts.log?.(`WARNING: the previous writer's statements still run after ${Math.round(waited / 1000)} s (${running.map((r) => r.query_id).join(', ')}): writing anyway; events they store may be stored twice`);
      return seen.size;
    }
    if (waited - said >= 10_000 || said === 0) {
      said = waited || 1;
      opts.log?.(`waiting for ${running.length} statement(s) of the previous writer to end before writing (${running.map((r) => `${r.query_id}, ${Number(r.elapsed).toFixed(1)} s`).join('; ')})`);
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}
