// The NATS JetStream bus. Streams and durable consumers are created idempotently at
// start. A request's events travel as one message (split below the server's payload
// limit) whose msgID is a hash of its event IDs, so a retried publish is dropped by the
// server's dedup window; per-event dedup happens at the ClickHouse writer. A consumer in
// the publishing process takes its own messages' validated events (lib/bus/local-handoff).
// The writer's consumer is headers-only: its own messages' bodies never come back over the
// wire (~10% of the NATS path's CPU, mostly garbage collection), and any other message's
// body is read from the stream by sequence (messageData).

import crypto from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers, nanos } from '@nats-io/nats-core';
import type { CanonicalEvent } from '../events/schema';
import { eventRows, type EventRow } from '../ingest/rows';
import type { Bus, BusCommand, PublishOptions, PublishResult, RowsOptions, Unsubscribe } from './types';
import { subjects } from './types';
import { LocalHandoff, type Handoff } from './local-handoff';
import { EventTexts } from './texts';

const DEDUP_WINDOW_MS = 2 * 60 * 1000;
/** When Cashtrace received a batch's events (an ISO instant): rows decoded from the message get it as their default received_at. */
export const RECEIVED_AT_HEADER = 'Cashtrace-Received-At';
const enc = new TextEncoder();
const dec = new TextDecoder();

export interface NatsBus extends Bus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: ReturnType<typeof subjects>;
  /** The rows of the events this process published in `msg`, with their context (null: decode the message). */
  takeLocalEvents(msg: JsMsg): Promise<Handoff | null>;
  /** The message's body: delivered with it, or (the writer's consumer is headers-only) read from the stream. */
  messageData(msg: JsMsg): Promise<Uint8Array>;
  /** Pulls ingest messages for the writer; `handle` resolves when the batch is durable in ClickHouse. */
  consumeIngest(handle: (msg: JsMsg) => Promise<void>, opts?: { maxInFlight?: number }): Promise<Unsubscribe>;
}

export async function createNatsBus(url: string, prefix: string): Promise<NatsBus> {
  const nc = await connect({ servers: url.split(','), name: `cashtrace-${process.pid}`, maxReconnectAttempts: -1 });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const names = subjects(prefix);
  const maxPayload = Math.max(64 * 1024, nc.info?.max_payload ?? 1024 * 1024) - 4096;

  await ensureStream(jsm, names.streamIngest, [names.ingestAll]);
  await ensureStream(jsm, names.streamCommands, [names.commandsAll]);

  const handoff = new LocalHandoff();

  async function publishChunk(rows: EventRow[], data: Uint8Array, context: unknown, receivedAt: string): Promise<boolean> {
    let ids = '';
    for (const r of rows) ids += `${r.event_id}\0`;
    const msgID = crypto.createHash('sha256').update(ids).digest('hex');
    const kept = handoff.keep(msgID, rows, data, context);
    let stored = false;
    let seq: number | undefined;
    try {
      const h = headers();
      h.set(RECEIVED_AT_HEADER, receivedAt);
      const ack = await js.publish(names.ingestBatch, data, { msgID, headers: h, timeout: 30_000 });
      stored = !ack.duplicate;
      seq = ack.seq;
      return ack.duplicate;
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
          if (dup) for (let i = start; i < end; i++) flags[i] = true;
        }),
      );
      first = end;
      size = 2;
    };
    for (let i = 0; i < rows.length; i++) {
      const bytes = texts.byteLength(i);
      if (bytes + 2 > maxPayload) throw new Error(`event ${rows[i].event_id} is larger than the bus message limit (${maxPayload} bytes)`);
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
      await ensureConsumer(jsm, names.streamCommands, durable, filter, 256);
      const consumer = await js.consumers.get(names.streamCommands, durable);
      const messages = await consumer.consume({ max_messages: 64 });
      (async () => {
        for await (const m of messages) {
          try {
            await handler({ subject: m.subject, id: m.headers?.get('Nats-Msg-Id') ?? String(m.seq), payload: JSON.parse(dec.decode(m.data)) });
            m.ack();
          } catch (err) {
            console.error(`[bus] command ${m.subject} failed, redelivering:`, err);
            m.nak(5_000);
          }
        }
      })().catch(() => undefined);
      return async () => {
        await messages.close();
      };
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
      await ensureConsumer(jsm, names.streamIngest, names.writerConsumer, names.ingestAll, maxInFlight, true);
      const consumer = await js.consumers.get(names.streamIngest, names.writerConsumer);
      const messages = await consumer.consume({ max_messages: Math.min(maxInFlight, 1000) });
      let inFlight = 0;
      const waiters: (() => void)[] = [];
      const loop = (async () => {
        for await (const m of messages) {
          while (inFlight >= maxInFlight) await new Promise<void>((r) => waiters.push(r));
          inFlight += 1;
          // Ack only after the rows are in ClickHouse: a crash before that redelivers the message.
          handle(m)
            .then(() => m.ack())
            .catch((err) => {
              console.error('[ingest] batch not written, will be redelivered:', err instanceof Error ? err.message : err);
              m.nak(2_000);
            })
            .finally(() => {
              inFlight -= 1;
              waiters.shift()?.();
            });
        }
      })();
      return async () => {
        await messages.close();
        await loop.catch(() => undefined);
      };
    },
    async health() {
      try {
        const rtt = await nc.rtt();
        return { ok: true, detail: `nats rtt ${rtt.toFixed(1)} ms` };
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

async function ensureStream(jsm: JetStreamManager, name: string, subjectsList: string[]): Promise<void> {
  const config = {
    name,
    subjects: subjectsList,
    storage: StorageType.File,
    duplicate_window: nanos(DEDUP_WINDOW_MS),
    max_age: nanos(7 * 24 * 3600 * 1000),
  };
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
  } catch {
    await jsm.streams.add(config);
  }
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, durable: string, filter: string, maxAckPending: number, headersOnly = false): Promise<void> {
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: filter,
    max_ack_pending: maxAckPending,
    ack_wait: nanos(60_000),
    headers_only: headersOnly,
  };
  try {
    await jsm.consumers.info(stream, durable);
    await jsm.consumers.update(stream, durable, { max_ack_pending: maxAckPending, ack_wait: config.ack_wait, headers_only: headersOnly });
  } catch {
    await jsm.consumers.add(stream, config);
  }
}

/** A headers-only delivery's body size (Nats-Msg-Size); undefined when the body came along. */
function bodySize(m: JsMsg): number | undefined {
  const size = m.headers?.get('Nats-Msg-Size');
  return m.data.byteLength === 0 && size ? Number(size) : undefined;
}

export function decodeIngestMessage(data: Uint8Array): unknown {
  return JSON.parse(dec.decode(data));
}
