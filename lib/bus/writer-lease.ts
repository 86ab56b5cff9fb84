// The ingest writer's lease. With NATS, one process of a deployment may write the ingest
// stream into ClickHouse: it owns the stitching graph, and two writers would stitch apart
// and race each other's duplicate checks. The writer holds a key in a JetStream key-value
// bucket whose entries expire after the lease's time (CASHTRACE_WRITER_LEASE_S), renewing
// it at a third of that. A second `npm run ingest-worker` waits as a standby and takes over
// once the lease is released (a drained shutdown) or has expired (the holder died); a web
// process whose writer would be a second one runs without it.
//
// A holder that cannot renew for two thirds of the lease's time gives it up (onLost: the
// process stops) before the key can expire and another take it.

import os from 'node:os';
import crypto from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';

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
}

export interface LeaseOptions {
  ttlMs: number;
  /** Copies of the bucket (as the streams': CASHTRACE_NATS_REPLICAS). */
  replicas: number;
  /** Called once when the lease is lost (not renewed in time, or taken): the writer must stop at once. */
  onLost: (why: string) => void;
  log?: (line: string) => void;
}

function bucketName(prefix: string): string {
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}_writer_lease`;
}

async function openBucket(nc: NatsConnection, prefix: string, opts: LeaseOptions): Promise<KV> {
  return new Kvm(nc).create(bucketName(prefix), { ttl: opts.ttlMs, history: 1, replicas: opts.replicas });
}

/** Who holds the lease now (null: nobody). */
export async function leaseHolder(nc: NatsConnection, prefix: string, opts: LeaseOptions): Promise<LeaseHolder | null> {
  const entry = await (await openBucket(nc, prefix, opts)).get(KEY);
  if (!entry || entry.operation !== 'PUT' || entry.length === 0) return null;
  return entry.json<LeaseHolder>();
}

/**
 * Takes the writer's lease. `wait`: as a standby, until it is free (null never returned);
 * else null at once when another process holds it.
 */
export async function acquireWriterLease(nc: NatsConnection, prefix: string, opts: LeaseOptions & { wait: boolean }): Promise<WriterLease | null> {
  const kv = await openBucket(nc, prefix, opts);
  const holder: LeaseHolder = { id: crypto.randomUUID(), host: os.hostname(), pid: process.pid, since: '' };
  const every = Math.max(200, Math.floor(opts.ttlMs / 3));
  let revision = 0;
  let announced = '';
  for (;;) {
    holder.since = new Date().toISOString();
    try {
      revision = await kv.create(KEY, JSON.stringify(holder));
      break;
    } catch (err) {
      // taken (or NATS briefly unavailable): say by whom, once per holder
      const other = await leaseHolder(nc, prefix, opts).catch(() => null);
      if (!opts.wait) {
        if (other) return null;
        throw err;
      }
      const who = other ? `${other.host} pid ${other.pid}, since ${other.since}` : `unknown (${err instanceof Error ? err.message : err})`;
      if (who !== announced) opts.log?.(`standby: the ingest writer's lease is held by ${who}; taking over when it is released or expires (${opts.ttlMs / 1000} s after its last renewal)`);
      announced = who;
      await new Promise((r) => setTimeout(r, every));
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
  const timer = setInterval(() => {
    kv.update(KEY, JSON.stringify(holder), revision, every).then(
      (r) => {
        revision = r;
        renewedAt = Date.now();
      },
      (err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        // Another revision: someone else holds the key now. Else keep trying until two thirds of the lease are gone.
        if (/wrong last sequence|key exists/i.test(why)) loseWith(`the lease was taken over (${why})`);
        else if (Date.now() - renewedAt >= (opts.ttlMs * 2) / 3) loseWith(`the lease could not be renewed for ${Math.round((Date.now() - renewedAt) / 1000)} s (${why})`);
      },
    );
  }, every);
  timer.unref();
  return {
    holder,
    async release() {
      if (released || lost) return;
      released = true;
      clearInterval(timer);
      await kv.delete(KEY, { previousSeq: revision }).catch(() => undefined);
    },
  };
}
