// The NATS JetStream bus. Streams and durable consumers are created idempotently at
// start (lib/bus/jetstream, with the copies a cluster gets and publishes retried through a
// leader election). A request's events travel as one message (split below the server's payload
// limit) whose msgID is a hash of its event IDs, so a retried publish is dropped by the
// server's dedup window; per-event dedup happens at the ClickHouse writer. A consumer in
// the publishing process takes its own messages' validated events (lib/bus/local-handoff).
// The writer's consumer is headers-only: its own messages' bodies never come back over the
// wire (~10% of the NATS path's CPU, mostly garbage collection), and any other message's
// body is read from the stream by sequence (messageData).

import crypto from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, type NatsAuth } from './nats-connect';
import { jetstream, type Consumer, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { DEDUP_WINDOW_MS, ensureConsumer, ensureStream, jetStreamManagerWhenReady, publishRetrying, streamCopies } from './jetstream';
import type { CanonicalEvent } from '../events/schema';
import { eventRows, type EventRow } from '../ingest/rows';
import type { Bus, BusCommand, PublishOptions, PublishResult, RowsOptions, Unsubscribe } from './types';
import { subjects } from './types';
import { LocalHandoff, type Handoff } from './local-handoff';
import { PublishedIds } from './published-ids';
import { EventTexts } from './texts';
import { ApiError } from '../http/errors';

/** Event IDs kept as published and not yet stored (lib/bus/published-ids): ~10 MB at most. */
const PUBLISHED_IDS_MAX = 100_000;
/** When Cashtrace received a batch's events (an ISO instant): rows decoded from the message get it as their default received_at. */
export const RECEIVED_AT_HEADER = 'Cashtrace-Received-At';
const enc = new TextEncoder();
const dec = new TextDecoder();

export interface NatsBus extends Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: ReturnType<typeof subjects>;
  /** Copies the streams were created or kept with (the writer's lease bucket gets as many). */
  readonly replicas: number;
  /** Of these event IDs, those this process published that are in the stream and not yet stored by its writer. */
  heldInStream(ids: Iterable<string>): Set<string>;
  /** The rows of the events this process published in `msg`, with their context (null: decode the message). */
  takeLocalEvents(msg: JsMsg): Promise<Handoff | null>;
  /** The message's body: delivered with it, or (the writer's consumer is headers-only) read from the stream. */
  messageData(msg: JsMsg): Promise<Uint8Array>;
  /** Pulls ingest messages for the writer; `handle` resolves when the batch is durable in ClickHouse. */
  consumeIngest(handle: (msg: JsMsg) => Promise<void>, opts?: { maxInFlight?: number }): Promise<Unsubscribe>;
}

export interface NatsBusOptions {
  /**
   * Copies of each stream the JetStream cluster keeps (CASHTRACE_NATS_REPLICAS). Unset: 3 on
   * a cluster of three or more servers, else 1 — and an existing stream is never scaled
   * down by that default (a server down at start must not cost the others their copies).
   */
  replicas?: number;
  /** Credentials and TLS of a secured deployment (lib/bus/nats-connect). */
  auth?: NatsAuth;
  /** Unacknowledged deliveries come again after this long (default ACK_WAIT_MS; tests shorten it). */
  ackWaitMs?: number;
  /** The ingest consumer's pulls expire after this long, its heartbeats come every half of it (default PULL_EXPIRES_MS; tests shorten it). */
  pullExpiresMs?: number;
}

export async function createNatsBus(url: string, prefix: string, opts: NatsBusOptions = {}): Promise<NatsBus> {
  const nc = await connectNats(url, opts.auth);
  let jsm: JetStreamManager;
  try {
    jsm = await jetStreamManagerWhenReady(nc);
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw err;
  }
  const js = jetstream(nc);
  const names = subjects(prefix);
  const maxPayload = Math.max(64 * 1024, nc.info?.max_payload ?? 1024 * 1024) - 4096;
  const ackWaitMs = opts.ackWaitMs ?? ACK_WAIT_MS;
  /** A message still being handled (its rows waiting for ClickHouse, a long command) is reported in progress this often. */
  const workingEveryMs = ackWaitMs / 3;
  const pullExpiresMs = opts.pullExpiresMs ?? PULL_EXPIRES_MS;
  const replicas = streamCopies(nc, url, opts.replicas);

  const ingestCopies = await ensureStream(jsm, names.streamIngest, [names.ingestAll], replicas);
  await ensureStream(jsm, names.streamCommands, [names.commandsAll], replicas);

  const handoff = new LocalHandoff();
  const published = new PublishedIds({ ttlMs: DEDUP_WINDOW_MS, maxIds: PUBLISHED_IDS_MAX });

  /** Per row, whether it was a duplicate (its message stored before, or its event in an earlier message of this process). */
  async function publishChunk(rows: EventRow[], data: Uint8Array, context: unknown, receivedAt: string): Promise<boolean[]> {
    const ids = rows.map((r) => r.event_id);
    const msgID = crypto.createHash('sha256').update(ids.join('\0') + '\0').digest('hex');
    const kept = handoff.keep(msgID, rows, data, context);
    let stored = false;
    let seq: number | undefined;
    try {
      const h = headers();
      h.set(RECEIVED_AT_HEADER, receivedAt);
      const { ack, retried } = await publishRetrying(js, names.ingestBatch, data, { msgID, headers: h });
      stored = !ack.duplicate;
      seq = ack.seq;
      // A retry acknowledged as a duplicate: most likely this publish's own earlier attempt,
      // stored with its acknowledgement lost (a server of the cluster died) — its events are
      // this request's, unless an earlier message of this process holds them.
      return published.acknowledged(ack.seq, ids, !ack.duplicate ? 'no' : retried ? 'unless-ours' : 'yes');
    } finally {
      handoff.settle(msgID, kept, stored, seq);
    }
  }

  /** Messages of the events' JSON (`[text,text,…]`) below the payload limit, the rows kept for a consumer here. */
  async function publishRows(rows: EventRow[], texts: EventTexts | null, opts: RowsOptions): Promise<PublishResult> {
    if (!texts || texts.length !== rows.length) throw new Error('the NATS bus publishes each event as JSON: texts must hold one per row');
    const flags: boolean[] = [];
    const pending: Promise<void>[] = [];
    let first = 0;
    let size = 2;
    const flushChunk = (end: number) => {
      if (end === first) return;
      const start = first;
      const kept = rows.slice(start, end);
      // The JSON array `[text,text,…]`, written straight into one buffer.
      const data = Buffer.allocUnsafe(size);
      let at = 0;
      data[at++] = 0x5b;
      for (let i = start; i < end; i++) {
        if (i > start) data[at++] = 0x2c;
        at += texts.write(i, data, at);
      }
      data[at++] = 0x5d;
      kept.forEach(() => flags.push(false));
      pending.push(
        publishChunk(kept, data.subarray(0, at), opts.context, opts.receivedAt).then((dup) => {
          for (let i = start; i < end; i++) flags[i] = dup[i - start];
        }),
      );
      first = end;
      size = 2;
    };
    for (let i = 0; i < rows.length; i++) {
      const bytes = texts.byteLength(i);
      if (bytes + 2 > maxPayload) throw new ApiError(413, 'payload_too_large', `event ${rows[i].event_id} is larger than the bus message limit (${maxPayload} bytes)`);
      if (size + bytes + 1 > maxPayload) flushChunk(i);
      size += bytes + 1;
    }
    flushChunk(rows.length);
    await Promise.all(pending);
    const duplicates = flags.filter(Boolean).length;
    return { accepted: rows.length - duplicates, duplicates, duplicateFlags: flags };
  }

  const bus: NatsBus = {
    kind: 'nats',
    nc,
    replicas: ingestCopies,
    js,
    jsm,
    names,
    publishEvents(events: CanonicalEvent[], opts?: PublishOptions): Promise<PublishResult> {
      const receivedAt = new Date().toISOString();
      return publishRows(eventRows(events, receivedAt), EventTexts.of(opts?.json ?? events.map((e) => JSON.stringify(e))), { context: opts?.context, receivedAt });
    },
    publishRows,
    async publishCommand(cmd: BusCommand): Promise<void> {
      await js.publish(cmd.subject, enc.encode(JSON.stringify(cmd.payload)), { msgID: cmd.id });
    },
    async subscribeCommands(name, filter, handler): Promise<Unsubscribe> {
      const durable = `${prefix}-${name}`.replace(/[^A-Za-z0-9_-]/g, '_');
      const open = async () => {
        await ensureConsumer(jsm, names.streamCommands, durable, filter, 256, ackWaitMs);
        return consumeWatched(await js.consumers.get(names.streamCommands, durable), { max_messages: 64 });
      };
      return supervisedConsume(`command consumer ${durable}`, await open(), open, async (m) => {
        // a long command (a connector's re-sync) is reported in progress, not redelivered meanwhile
        const working = setInterval(() => m.working(), workingEveryMs);
        try {
          await handler({ subject: m.subject, id: m.headers?.get('Nats-Msg-Id') ?? String(m.seq), payload: JSON.parse(dec.decode(m.data)) });
          m.ack();
        } catch (err) {
          console.error(`[bus] command ${m.subject} failed, redelivering:`, err);
          m.nak(5_000);
        } finally {
          clearInterval(working);
        }
      });
    },
    heldInStream(ids: Iterable<string>): Set<string> {
      return published.held(ids);
    },
    async takeLocalEvents(m: JsMsg): Promise<Handoff | null> {
      if (m.subject !== names.ingestBatch) return null;
      return handoff.take(m.headers?.get('Nats-Msg-Id'), { data: m.data, seq: m.seq, size: bodySize(m) });
    },
    async messageData(m: JsMsg): Promise<Uint8Array> {
      if (bodySize(m) === undefined) return m.data;
      const stored = await jsm.streams.getMessage(names.streamIngest, { seq: m.seq });
      if (!stored) throw new Error(`message ${m.seq} of ${names.streamIngest} is gone from the stream`);
      return stored.data;
    },
    async consumeIngest(handle, opts): Promise<Unsubscribe> {
      handoff.enable();
      const maxInFlight = opts?.maxInFlight ?? 2000;
      // headers-only: this process's own messages are taken from the handoff, the rest read by sequence
      const open = async () => {
        await ensureConsumer(jsm, names.streamIngest, names.writerConsumer, names.ingestAll, maxInFlight, ackWaitMs, true);
        // Pulls expire every 10 s, so a pull lost with a server (its consumer's leader moved)
        // is noticed by two missed heartbeats in 10 s, not the default 30 s.
        return consumeWatched(await js.consumers.get(names.streamIngest, names.writerConsumer), { max_messages: Math.min(maxInFlight, 1000), expires: pullExpiresMs });
      };
      let inFlight = 0;
      const waiters: (() => void)[] = [];
      // the first consume's failure is start-up's (it says why); later ones are retried
      return supervisedConsume('ingest stream consumer', await open(), open, async (m) => {
        while (inFlight >= maxInFlight) await new Promise<void>((r) => waiters.push(r));
        inFlight += 1;
        // While its rows wait for their insert the message is reported in progress, so
        // JetStream redelivers after ACK_WAIT_MS only what this process lost (a server of
        // the cluster died with the delivery or the ack on its way), not a slow insert.
        const working = setInterval(() => m.working(), workingEveryMs);
        // Ack only after the rows are in ClickHouse: a crash before that redelivers the message.
        handle(m)
          .then(() => {
            m.ack();
            published.stored(m.seq);
          })
          .catch((err) => {
            console.error('[ingest] batch not written, will be redelivered:', err instanceof Error ? err.message : err);
            m.nak(2_000);
          })
          .finally(() => {
            clearInterval(working);
            inFlight -= 1;
            waiters.shift()?.();
          });
      });
    },
    async health() {
      try {
        const rtt = await nc.rtt();
        const info = await jsm.streams.info(names.streamIngest);
        const copies = info.cluster?.replicas ?? [];
        const current = copies.filter((r) => r.current && !r.offline).length;
        const n = info.config.num_replicas;
        const stream = `ingest stream ${n} ${n === 1 ? 'copy' : 'copies'}`;
        // A replicated stream without a leader, or whose leader sees too few current copies,
        // has lost its quorum: nothing can be stored.
        if (n > 1 && (!info.cluster?.leader || 1 + current < Math.floor(n / 2) + 1)) {
          const seen = info.cluster?.leader ? `leader ${info.cluster.leader} with ${current} of ${copies.length} other copies current` : 'without a leader';
          return { ok: false, detail: `nats rtt ${rtt.toFixed(1)} ms; ${stream} ${seen}: a quorum of its servers is down, events cannot be stored` };
        }
        const where = info.cluster?.leader ? `, leader ${info.cluster.leader}${copies.length ? `, ${current} of ${copies.length} other copies current` : ''}` : '';
        const behind = copies.length - current;
        // Copies up to date now: the leader and `current` others; one server more lost leaves `current`.
        const lastToSpare = current < Math.floor(n / 2) + 1;
        const warning = behind > 0 ? `${behind} of the ingest stream's ${n} copies ${behind === 1 ? 'is' : 'are'} behind or offline: one more server lost ${lastToSpare ? 'stops' : 'would not stop'} ingest` : undefined;
        return { ok: true, detail: `nats rtt ${rtt.toFixed(1)} ms; ${stream}${where}`, ...(warning ? { warning } : {}) };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },
    async close() {
      await nc.drain().catch(() => undefined);
    },
  };
  return bus;
}

/** Unacknowledged deliveries come again after this long (60 s until 2026-12-03: what a server's loss delayed). */
const ACK_WAIT_MS = 15_000;
const PULL_EXPIRES_MS = 10_000;
/** Heartbeats (every expires / 2) a consume may miss before it is opened anew. */
const STALLED_HEARTBEATS = 12;

/**
 * A consume that ends when its consumer is gone (instead of waiting for someone to create it
 * again: supervisedConsume opens it anew) or when it missed STALLED_HEARTBEATS heartbeats (its
 * pulls lost and the library's own recovery, a pull once the consumer answers its info, not
 * back within a minute), as nats.js's heartbeats example stops and consumes again.
 */
async function consumeWatched(consumer: Consumer, opts: { max_messages: number; expires?: number }): Promise<ConsumerMessages> {
  const m = await consumer.consume({ ...opts, abort_on_missing_resource: true });
  void (async () => {
    for await (const st of m.status()) {
      if (st.type === 'heartbeats_missed' && st.count >= STALLED_HEARTBEATS) {
        m.stop(new Error(`no heartbeat for ${st.count} heartbeat intervals`));
        return;
      }
    }
  })().catch(() => undefined);
  return m;
}

/**
 * Hands each message of `first`, then of each consume `open` opens anew, to `each` (awaited:
 * it may hold the loop for back-pressure) until unsubscribed. The client library ends a
 * consume on an error it takes as final (a 400 answer to a pull, the consumer gone): without
 * this loop nothing would be consumed again until a restart (ingest: events answered durable
 * and never written). Opened again after 0.5 s doubling to 10 s while that fails.
 */
function supervisedConsume(label: string, first: ConsumerMessages, open: () => Promise<ConsumerMessages>, each: (m: JsMsg) => Promise<void>): Unsubscribe {
  let messages = first;
  let stopped = false;
  const loop = (async () => {
    for (let failures = 0; ; ) {
      try {
        for await (const m of messages) {
          failures = 0;
          await each(m);
        }
      } catch (err) {
        if (!stopped) console.error(`[bus] ${label} failed:`, err instanceof Error ? err.message : err);
      }
      if (stopped) return;
      const why = await messages.closed().catch((e: unknown) => e);
      for (;;) {
        const delay = Math.min(10_000, 500 * 2 ** Math.min(failures++, 5));
        console.error(`[bus] the ${label} stopped${why instanceof Error ? ` (${why.message})` : ''}; consuming again in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay));
        if (stopped) return;
        try {
          messages = await open();
          if (stopped) await messages.close();
          break;
        } catch (err) {
          console.error(`[bus] the ${label} cannot consume yet:`, err instanceof Error ? err.message : err);
        }
      }
    }
  })();
  return async () => {
    stopped = true;
    await messages.close();
    await loop.catch(() => undefined);
  };
}

/** A headers-only delivery's body size (Nats-Msg-Size); undefined when the body came along. */
function bodySize(m: JsMsg): number | undefined {
  const size = m.headers?.get('Nats-Msg-Size');
  return m.data.byteLength === 0 && size ? Number(size) : undefined;
}

export function decodeIngestMessage(data: Uint8Array): unknown {
  return JSON.parse(dec.decode(data));
}
