// JetStream's side of the bus: the manager once JetStream answers, streams and durable
// consumers created or updated idempotently, the copies a stream gets on a cluster, and
// publishes retried through a stream's leader election.

import type { NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstreamManager, StorageType, type JetStreamClient, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { nanos, type headers } from '@nats-io/nats-core';
import { natsServers } from './nats-connect';

/** JetStream drops a message whose ID it stored within this window (a retried publish). */
export const DEDUP_WINDOW_MS = 2 * 60 * 1000;
/** How long start-up waits for JetStream to answer (a cluster elects its meta leader first). */
const JETSTREAM_WAIT_MS = 30_000;

/** How long a publish keeps trying before the request is answered 503 (a stream's leader election takes 2–5 s). */
const PUBLISH_BUDGET_MS = 15_000;

/**
 * Publishes until JetStream acknowledges or PUBLISH_BUDGET_MS is spent. A stream electing a
 * new leader (a server of the cluster lost) has no responder for a few seconds, and a
 * client reconnecting to another server times out meanwhile: both are retried with
 * backoff. The message ID makes a retry whose first attempt was in fact stored a
 * duplicate, not a second copy.
 */
export async function publishRetrying(
  js: Pick<JetStreamClient, 'publish'>,
  subject: string,
  data: Uint8Array,
  opts: { msgID: string; headers?: ReturnType<typeof headers> },
  budgetMs = PUBLISH_BUDGET_MS,
): Promise<{ ack: PubAck; retried: boolean }> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 0; ; attempt++) {
    const left = deadline - Date.now();
    try {
      return { ack: await js.publish(subject, data, { ...opts, timeout: Math.max(500, Math.min(5_000, left)) }), retried: attempt > 0 };
    } catch (err) {
      const transient = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'JetStreamNotEnabled' || /timeout|no responders|not enabled/i.test(err.message));
      const pause = Math.min(1_000, 100 * 2 ** attempt);
      if (!transient || Date.now() + pause >= deadline) throw err;
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

/** JetStream's manager once JetStream answers: a cluster just started has no meta leader for a few seconds. */
export async function jetStreamManagerWhenReady(nc: NatsConnection): Promise<JetStreamManager> {
  const deadline = Date.now() + JETSTREAM_WAIT_MS;
  for (;;) {
    try {
      return await jetstreamManager(nc, { timeout: 2_000 });
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`JetStream does not answer at ${nc.getServer()} after ${JETSTREAM_WAIT_MS / 1000} s (is nats-server running with -js, and has the cluster a meta leader?): ${err instanceof Error ? err.message : err}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Servers of the cluster this connection is on (1: a single server): as many as the server
 * gossips client URLs for, or as NATS_URL lists if more (servers with `no_advertise` gossip none).
 */
export function clusterSize(nc: NatsConnection, listed = 1): number {
  const info = nc.info;
  if (!info?.cluster) return 1;
  return Math.max(listed, new Set([...(info.connect_urls ?? []), `${info.host}:${info.port}`]).size);
}

/** Copies a stream gets: CASHTRACE_NATS_REPLICAS, else 3 on a cluster of three or more servers, else 1. */
export function streamCopies(nc: NatsConnection, url: string, configured?: number): Replicas {
  const servers = clusterSize(nc, new Set(natsServers(url)).size);
  return { wanted: configured ?? (servers >= 3 ? 3 : 1), exact: configured !== undefined, servers };
}

export interface Replicas {
  wanted: number;
  /** Set by configuration: applied as it is, also scaling an existing stream down. */
  exact: boolean;
  /** Servers the connection sees (for the error message). */
  servers: number;
}

/** Creates or updates the stream; the copies it has. */
export async function ensureStream(jsm: JetStreamManager, name: string, subjectsList: string[], replicas: Replicas): Promise<number> {
  const config = {
    name,
    subjects: subjectsList,
    storage: StorageType.File,
    duplicate_window: nanos(DEDUP_WINDOW_MS),
    max_age: nanos(7 * 24 * 3600 * 1000),
    num_replicas: replicas.wanted,
  };
  const existing = await jsm.streams.info(name).catch(() => null);
  try {
    if (existing) {
      const num_replicas = replicas.exact ? replicas.wanted : Math.max(replicas.wanted, existing.config.num_replicas ?? 1);
      await jsm.streams.update(name, { ...config, num_replicas });
      return num_replicas;
    }
    await jsm.streams.add(config);
    return replicas.wanted;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `JetStream stream ${name} with ${replicas.wanted} ${replicas.wanted === 1 ? 'copy' : 'copies'} (CASHTRACE_NATS_REPLICAS${replicas.exact ? '' : ' unset'}; the connection sees ${replicas.servers} server${replicas.servers === 1 ? '' : 's'}): ${why}`,
    );
  }
}

export async function ensureConsumer(jsm: JetStreamManager, stream: string, durable: string, filter: string, maxAckPending: number, ackWaitMs: number, headersOnly = false): Promise<void> {
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: filter,
    max_ack_pending: maxAckPending,
    ack_wait: nanos(ackWaitMs),
    headers_only: headersOnly,
  };
  try {
    await jsm.consumers.info(stream, durable);
    await jsm.consumers.update(stream, durable, { max_ack_pending: maxAckPending, ack_wait: config.ack_wait, headers_only: headersOnly });
  } catch {
    await jsm.consumers.add(stream, config);
  }
}
