// The ingest writer's lease. With NATS, one process of a deployment may write the ingest
// stream into ClickHouse: it owns the stitching graph, and two writers would stitch apart
// and race each other's duplicate checks. The writer holds a key in a JetStream key-value
// bucket whose entries expire after the lease's time (CASHTRACE_WRITER_LEASE_S), renewing
// it at a third of that. A second `npm run ingest-worker` waits as a standby and takes over
// once the lease is released (a drained shutdown) or has expired (the holder died); a web
// process whose writer would be a second one runs without it.
//
// A holder learns at its next renewal (a third of the lease) that another took the lease,
// and stops writing (onLost); it then waits as a standby and starts its writer afresh once
// it takes the lease back (lib/runtime.ts, collectors/ingest/worker-main.ts). Renewals that
// fail for want of NATS are retried, not taken as a loss: a holder cut off from NATS
// receives nothing more to write, and a cluster without a quorum lets nobody else take the
// key either.

import os from 'node:os';
import crypto from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';

const KEY = 'writer';

export interface LeaseHolder {
  id: string;
  host: string;
  pid: number;
  since: string;
}

export interface WriterLease {
  readonly holder: LeaseHolder;
  /** Gives the lease up (after the writer drained): a standby takes over at once. */
  release(): Promise<void>;
  /**
   * Throws unless the lease is surely still this process's: lost or released, or last
   * confirmed (a renewal sent and acknowledged) longer than two thirds of the lease ago — a
   * standby may take over a third of the lease later. The writer's statements check it
   * first (lib/clickhouse/write-fence).
   */
  check(): void;
}

export interface LeaseOptions {
  ttlMs: number;
  /** Copies of the bucket (as the streams': CASHTRACE_NATS_REPLICAS). */
  replicas: number;
  /** Called once when the lease is lost (taken over, or expired before a renewal got through): the writer must stop at once. */
  onLost: (why: string) => void;
  log?: (line: string) => void;
  /** Stops a standby's wait (acquireWriterLease answers null). */
  signal?: AbortSignal;
}

function bucketName(prefix: string): string {
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}_writer_lease`;
}

async function openBucket(nc: NatsConnection, prefix: string, opts: LeaseOptions): Promise<KV> {
  const kv = await new Kvm(nc).create(bucketName(prefix), { ttl: opts.ttlMs, history: 1, replicas: opts.replicas });
  // An existing bucket keeps the time it was made with: CASHTRACE_WRITER_LEASE_S changed since applies now.
  const { streamInfo } = await kv.status();
  if (streamInfo.config.max_age !== nanos(opts.ttlMs)) {
    const jsm = await jetstreamManager(nc);
    const maxAge = nanos(opts.ttlMs);
    await jsm.streams.update(streamInfo.config.name, { ...streamInfo.config, max_age: maxAge, duplicate_window: Math.min(streamInfo.config.duplicate_window ?? maxAge, maxAge) });
  }
  return kv;
}

/** Who holds the lease now (null: nobody). */
export async function leaseHolder(nc: NatsConnection, prefix: string, opts: LeaseOptions): Promise<LeaseHolder | null> {
  return holderIn(await openBucket(nc, prefix, opts));
}

async function holderIn(kv: KV): Promise<LeaseHolder | null> {
  const entry = await kv.get(KEY);
  if (!entry || entry.operation !== 'PUT' || entry.length === 0) return null;
  return entry.json<LeaseHolder>();
}

/**
 * Takes the writer's lease. `wait`: true, as a standby, until it is free (null only when
 * `signal` stops the wait); a number of milliseconds, at most that long (a process
 * restarted after a crash finds its own old lease until it expires); false, not at all.
 * Null when another process holds it still.
 */
export async function acquireWriterLease(nc: NatsConnection, prefix: string, opts: LeaseOptions & { wait: boolean | number }): Promise<WriterLease | null> {
  const kv = await openBucket(nc, prefix, opts);
  const holder: LeaseHolder = { id: crypto.randomUUID(), host: os.hostname(), pid: process.pid, since: '' };
  const every = Math.max(200, Math.floor(opts.ttlMs / 3));
  const deadline = opts.wait === true ? Infinity : Date.now() + (opts.wait === false ? 0 : opts.wait);
  let revision = 0;
  let announced = '';
  /** When the last renewal (or the creation) that was acknowledged was sent (performance.now()): the server's expiry counts from later. */
  let confirmedSentAt = 0;
  for (;;) {
    if (opts.signal?.aborted) return null;
    holder.since = new Date().toISOString();
    try {
      const sent = performance.now();
      revision = await kv.create(KEY, JSON.stringify(holder));
      confirmedSentAt = sent;
      break;
    } catch (err) {
      // taken (or NATS briefly unavailable): say by whom, once per holder
      const other = await holderIn(kv).catch(() => null);
      if (Date.now() >= deadline) {
        if (other) return null;
        throw err;
      }
      const who = other ? `${other.host} pid ${other.pid}, since ${other.since}` : `unknown (${err instanceof Error ? err.message : err})`;
      const until = deadline === Infinity ? '' : ` (waiting up to ${Math.ceil((deadline - Date.now()) / 1000)} s more)`;
      if (who !== announced) opts.log?.(`standby: the ingest writer's lease is held by ${who}; taking over when it is released or expires (${opts.ttlMs / 1000} s after its last renewal)${until}`);
      announced = who;
      await new Promise<void>((r) => {
        const t = setTimeout(done, every);
        function done() {
          clearTimeout(t);
          opts.signal?.removeEventListener('abort', done);
          r();
        }
        opts.signal?.addEventListener('abort', done);
      });
    }
  }
  let renewedAt = Date.now();
  let lost = false;
  let released = false;
  const loseWith = (why: string) => {
    if (lost || released) return;
    lost = true;
    clearInterval(timer);
    opts.onLost(why);
  };
  const value = () => JSON.stringify(holder);
  /** When the first attempt to take an expired lease back was sent, while none has been answered (one may land later). */
  let takingSince: number | null = null;
  /**
   * Writes of ours sent since the last confirmed revision that timed out unanswered: each may
   * have landed later (a cluster without a quorum commits them once it is back), taking a
   * revision and expiring unseen. Renewals all name the same revision, so at most one of them
   * lands; each take-back (create) can land while the key is absent.
   */
  let renewalUnanswered = false;
  let createsUnanswered = 0;
  const timedOut = (why: string) => /timeout|timed out/i.test(why);
  async function renew(): Promise<void> {
    const ago = () => `last renewed ${Math.round((Date.now() - renewedAt) / 1000)} s ago`;
    try {
      const sent = performance.now();
      revision = await kv.update(KEY, value(), revision, every);
      renewedAt = Date.now();
      confirmedSentAt = sent;
      takingSince = null;
      renewalUnanswered = false;
      createsUnanswered = 0;
      return;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (timedOut(why)) renewalUnanswered = true;
      // NATS unreachable or without a quorum: try again at the next renewal.
      if (!/wrong last sequence|key exists/i.test(why)) return opts.log?.(`the writer's lease could not be renewed (${why}; ${ago()}): trying again`);
    }
    // Another revision than ours, or none. Which?
    const current = await kv.get(KEY).catch(() => undefined);
    if (current === undefined) return; // NATS trouble: the next renewal asks again
    if (current && current.operation === 'PUT') {
      const other = current.json<LeaseHolder>();
      // an earlier renewal that timed out here but landed
      if (other.id === holder.id) {
        revision = current.revision;
        renewedAt = Date.now();
        renewalUnanswered = false;
        createsUnanswered = 0;
        return;
      }
      return loseWith(`the lease was taken over by ${other.host} pid ${other.pid} (${ago()})`);
    }
    // None: it expired while NATS was unreachable (or was deleted). The bucket holds this one
    // key, so its revisions count every hand: created again at the next revision, nobody
    // held it in between, and nobody else wrote — or a few revisions later, when as many of
    // our own unanswered writes may have landed and expired unseen (found by CI: the quorum
    // test's writer stopped for good at r = revision + 2 after a renewal and two take-backs
    // timed out; 2 of 6 runs of lib/ingest/nats-cluster.test.ts on 2026-12-04). A delete or
    // purge (an operator's) leaves a marker that takes a revision of its own. One found right
    // after our last revision says nobody wrote between (no renewal of ours landed either):
    // after it, only our unanswered take-backs may have (it used to be taken for another's
    // hold, and the lease given up and taken back later). A marker further on may close
    // another's hold (a release), so it proves nothing.
    const deletedAt = current && current.revision === revision + 1 ? current.revision : null;
    const takeBack = async (r: number, sent: number) => {
      const ours = (renewalUnanswered ? 1 : 0) + createsUnanswered;
      const marker = deletedAt !== null && r > deletedAt ? 1 : 0;
      if (marker ? r <= deletedAt! + 1 + createsUnanswered : r > revision && r <= revision + 1 + ours) {
        confirmedSentAt = sent;
        takingSince = null;
        renewalUnanswered = false;
        createsUnanswered = 0;
        const was = ago();
        const between = r - revision - 1;
        const own = between - marker;
        const how = marker ? `was deleted at revision ${deletedAt} (${was}, ours last at ${revision})` : `had expired (${was})`;
        revision = r;
        renewedAt = Date.now();
        opts.log?.(`the writer's lease ${how} and nobody held it meanwhile${own ? ` (the ${own} other revision(s) between were this process's own unanswered writes)` : ''}: held again`);
        return;
      }
      await kv.delete(KEY, { previousSeq: r }).catch(() => undefined);
      // the revisions say why: taken again at r, ours last confirmed at `revision`, with so many
      // of our writes unanswered since (a later reader of this line can tell a foreign holder
      // from a write of ours that landed unseen)
      loseWith(`the lease ${deletedAt !== null ? `was deleted at revision ${deletedAt}` : 'expired'} (${ago()}) and another process held it meanwhile (taken again at revision ${r}, ours last at ${revision}, ${ours} write(s) of ours unanswered)`);
    };
    const sent = performance.now();
    try {
      return await takeBack(await kv.create(KEY, value()), sent);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      // NATS trouble again: the next renewal asks again
      if (!/wrong last sequence|key exists/i.test(why)) {
        takingSince ??= sent;
        if (timedOut(why)) createsUnanswered++;
        return opts.log?.(`the writer's lease could not be taken again (${why}; ${ago()}): trying again`);
      }
    }
    // Held already: by an earlier attempt of ours that timed out here but landed (a cluster
    // without a quorum commits it once the quorum is back), or by another process. Its
    // expiry counts from no earlier than that attempt was sent.
    const now = await kv.get(KEY).catch(() => undefined);
    if (now === undefined) return; // NATS trouble: the next renewal asks again
    const taker = now?.operation === 'PUT' ? now.json<LeaseHolder>() : null;
    if (taker?.id === holder.id) return takeBack(now!.revision, takingSince ?? sent);
    loseWith(`the lease expired or was deleted (${ago()}) and ${taker ? `${taker.host} pid ${taker.pid}` : 'another process'} holds it now`);
  }
  let renewal: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (renewal) return; // one renewal at a time
    renewal = renew().finally(() => {
      renewal = null;
    });
  }, every);
  timer.unref();
  return {
    holder,
    check() {
      if (lost || released) throw new Error(`this process no longer holds the ingest writer's lease (${lost ? 'lost' : 'released'}): it does not write`);
      const ago = performance.now() - confirmedSentAt;
      if (ago > opts.ttlMs - every) {
        throw new Error(
          `the ingest writer's lease was last confirmed ${(ago / 1000).toFixed(1)} s ago (NATS unreachable?): this process writes nothing until it is renewed, so that a standby taking over cannot store the same events a second time (what was not written is delivered again)`,
        );
      }
    },
    async release() {
      if (released || lost) return;
      released = true;
      clearInterval(timer);
      // a renewal on its way changes the revision the delete must name
      await renewal;
      if (lost) return;
      await kv.delete(KEY, { previousSeq: revision }).catch(() => undefined);
    },
  };
}
