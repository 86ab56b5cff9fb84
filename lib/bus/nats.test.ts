// What publishEvents stores in JetStream: JSON arrays of the events below the payload
// limit, each with a message ID derived from its event IDs (a repeat is a duplicate).

import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServer } from '../testing/nats';
import { ev } from '../testing/events';
import { createNatsBus, type NatsBus } from './nats';

let nats: NatsServer;
let bus: NatsBus;

beforeAll(async () => {
  nats = await startNatsServer();
  bus = await createNatsBus(nats.url, 'bustest');
});
afterAll(async () => {
  await bus.close();
  await nats.stop();
});

describe('NATS bus publishEvents', () => {
  it('stores each chunk as the JSON array of its events, with a message ID from their event IDs', async () => {
    // Non-ASCII text and ~1.4 kB events: the chunks are cut on encoded bytes.
    const events = Array.from({ length: 2000 }, (_, i) =>
      ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: `INV-${i}`, attributes: { customer: `Société Générale ${'é'.repeat(150)}` }, payload: { i, note: `naïve ✓ ${'ü'.repeat(400)}` } }),
    );
    const r = await bus.publishEvents(events);
    expect(r).toMatchObject({ accepted: 2000, duplicates: 0 });
    const info = await bus.jsm.streams.info(bus.names.streamIngest);
    expect(info.state.messages).toBeGreaterThan(2);
    const stored: unknown[] = [];
    for (let seq = 1; seq <= info.state.messages; seq++) {
      const m = await bus.jsm.streams.getMessage(bus.names.streamIngest, { seq });
      const chunk = JSON.parse(new TextDecoder().decode(m!.data)) as { event_id: string }[];
      expect(m!.data.length).toBeLessThanOrEqual(bus.nc.info!.max_payload);
      expect(new TextDecoder().decode(m!.data)).toBe(JSON.stringify(chunk));
      const id = crypto.createHash('sha256');
      for (const e of chunk) id.update(e.event_id).update('\0');
      expect(m!.header.get('Nats-Msg-Id')).toBe(id.digest('hex'));
      stored.push(...chunk);
    }
    expect(stored).toEqual(JSON.parse(JSON.stringify(events)));
    const again = await bus.publishEvents(events);
    expect(again).toMatchObject({ accepted: 0, duplicates: 2000 });
  });

  it('publishes the JSON text each event came from as it is, when given', async () => {
    const events = [ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-T1' }), ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-T2' })];
    const json = events.map((e) => `{ "event_id" : ${JSON.stringify(e.event_id)}, "as": "received" }`);
    const info = await bus.jsm.streams.info(bus.names.streamIngest);
    expect(await bus.publishEvents(events, { json })).toMatchObject({ accepted: 2, duplicates: 0 });
    const m = await bus.jsm.streams.getMessage(bus.names.streamIngest, { seq: info.state.last_seq + 1 });
    expect(new TextDecoder().decode(m!.data)).toBe(`[${json.join(',')}]`);
  });
});


describe('NATS bus consumeIngest', () => {
  it('is headers-only: takes its own messages from the handoff and reads another publisher’s from the stream', async () => {
    const own = [ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-OWN' })];
    const foreign = [ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-FOREIGN' })];
    const seen: { via: string; ids: string[]; bodyDelivered: number }[] = [];
    const done = new Promise<void>((resolve) => {
      void bus.consumeIngest(async (m) => {
        const local = await bus.takeLocalEvents(m);
        const ids = local ? local.rows.map((r) => r.event_id) : (JSON.parse(new TextDecoder().decode(await bus.messageData(m))) as { event_id: string }[]).map((e) => e.event_id);
        seen.push({ via: local ? 'local' : 'stream', ids, bodyDelivered: m.data.byteLength });
        if (seen.some((s) => s.ids.includes(foreign[0].event_id)) && seen.some((s) => s.ids.includes(own[0].event_id))) resolve();
      });
    });
    // consumeIngest creates the consumer before it pulls: wait for it
    for (let i = 0; i < 50 && !(await bus.jsm.consumers.info(bus.names.streamIngest, bus.names.writerConsumer).catch(() => null)); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await bus.jsm.consumers.info(bus.names.streamIngest, bus.names.writerConsumer)).config.headers_only).toBe(true);
    await bus.publishEvents(own);
    // another publisher (an in-house service, or this app before a restart): same subject, its own bytes
    await bus.js.publish(bus.names.ingestBatch, new TextEncoder().encode(JSON.stringify(foreign)), { msgID: 'foreign-1' });
    await done;
    expect(seen.find((s) => s.ids.includes(own[0].event_id))).toMatchObject({ via: 'local', bodyDelivered: 0 });
    expect(seen.find((s) => s.ids.includes(foreign[0].event_id))).toMatchObject({ via: 'stream', bodyDelivered: 0 });
  });
});

describe('NATS bus consumeIngest when its consumer stops', () => {
  it('consumes again when its consumer is gone from under it: the consumer is created again and what was published meanwhile is written', async () => {
    const b = await createNatsBus(nats.url, 'gone');
    const seen = new Set<string>();
    const errors: string[] = [];
    const logged = console.error;
    console.error = (...a: unknown[]) => void errors.push(a.map(String).join(' '));
    try {
      const stop = await b.consumeIngest(async (m) => {
        const local = await b.takeLocalEvents(m);
        const ids = local ? local.rows.map((r) => r.event_id) : (JSON.parse(new TextDecoder().decode(await b.messageData(m))) as { event_id: string }[]).map((e) => e.event_id);
        for (const id of ids) seen.add(id);
      });
      const one = ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-GONE-1' });
      await b.publishEvents([one]);
      for (let i = 0; i < 200 && !seen.has(one.event_id); i++) await new Promise((r) => setTimeout(r, 25));
      expect(seen.has(one.event_id)).toBe(true);
      // an operator (or a stream restored from a backup) removes the durable consumer
      await b.jsm.consumers.delete(b.names.streamIngest, b.names.writerConsumer);
      const two = ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-GONE-2' });
      await b.publishEvents([two]);
      for (let i = 0; i < 600 && !seen.has(two.event_id); i++) await new Promise((r) => setTimeout(r, 25));
      expect(seen.has(two.event_id)).toBe(true);
      expect((await b.jsm.consumers.info(b.names.streamIngest, b.names.writerConsumer)).config.headers_only).toBe(true);
      expect(errors.some((e) => /ingest stream consumer stopped/.test(e))).toBe(true);
      await stop();
    } finally {
      console.error = logged;
      await b.close();
    }
  }, 30_000);

  it('takes commands again when the command consumer is gone from under it', async () => {
    const b = await createNatsBus(nats.url, 'gonecmd');
    const handled: string[] = [];
    const logged = console.error;
    console.error = () => undefined;
    try {
      const stop = await b.subscribeCommands('worker', b.names.commandsAll, async (cmd) => void handled.push(cmd.id));
      await b.publishCommand({ subject: 'gonecmd.cmd.resync', id: 'cmd-gone-1', payload: {} });
      for (let i = 0; i < 200 && !handled.includes('cmd-gone-1'); i++) await new Promise((r) => setTimeout(r, 25));
      await b.jsm.consumers.delete(b.names.streamCommands, 'gonecmd-worker');
      await b.publishCommand({ subject: 'gonecmd.cmd.resync', id: 'cmd-gone-2', payload: {} });
      for (let i = 0; i < 600 && !handled.includes('cmd-gone-2'); i++) await new Promise((r) => setTimeout(r, 25));
      expect(handled).toContain('cmd-gone-1');
      expect(handled).toContain('cmd-gone-2');
      await stop();
    } finally {
      console.error = logged;
      await b.close();
    }
  }, 30_000);
});

describe('NATS bus consumeIngest when its server stalls', () => {
  it('consumes anew after 12 missed heartbeats (a server that stopped answering), and writes what was published since', async () => {
    // its own server: this one is paused (SIGSTOP) under the consume, the connection kept
    const stalling = await startNatsServer();
    // pulls expire after 1 s: a heartbeat every 0.5 s, twelve missed in 6 s
    const b = await createNatsBus(stalling.url, 'stall', { pullExpiresMs: 1_000 });
    const seen = new Set<string>();
    const errors: string[] = [];
    const logged = console.error;
    console.error = (...a: unknown[]) => void errors.push(a.map(String).join(' '));
    const until = async (done: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 25));
    };
    try {
      const stop = await b.consumeIngest(async (m) => {
        const local = await b.takeLocalEvents(m);
        for (const r of local?.rows ?? (JSON.parse(new TextDecoder().decode(await b.messageData(m))) as { event_id: string }[])) seen.add(r.event_id);
      });
      const one = ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-STALL-1' });
      await b.publishEvents([one]);
      await until(() => seen.has(one.event_id), 5_000);
      expect(seen.has(one.event_id)).toBe(true);
      stalling.proc.kill('SIGSTOP');
      await until(() => errors.some((e) => /ingest stream consumer stopped \(no heartbeat for 12 heartbeat intervals\)/.test(e)), 20_000);
      stalling.proc.kill('SIGCONT');
      expect(errors.filter((e) => /no heartbeat/.test(e))).not.toEqual([]);
      const two = ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-STALL-2' });
      await b.publishEvents([two]);
      await until(() => seen.has(two.event_id), 20_000);
      expect(seen.has(two.event_id)).toBe(true);
      await stop();
    } finally {
      stalling.proc.kill('SIGCONT');
      console.error = logged;
      await b.close();
      await stalling.stop();
    }
  }, 60_000);
});

describe('NATS bus deliveries in progress', () => {
  it('reports a message in progress while its handler runs past the ack wait, so it is handled once', async () => {
    const slow = await createNatsBus(nats.url, 'ackwait', { ackWaitMs: 1_500 });
    try {
      const handled: string[] = [];
      let finished!: () => void;
      const done = new Promise<void>((r) => (finished = r));
      const stop = await slow.subscribeCommands('slow', `${slow.names.commandsAll}`, async (cmd) => {
        handled.push(cmd.id);
        await new Promise((r) => setTimeout(r, 4_500)); // three ack waits
        finished();
      });
      await slow.publishCommand({ subject: `ackwait.cmd.resync`, id: 'cmd-slow-1', payload: { n: 1 } });
      await done;
      await new Promise((r) => setTimeout(r, 2_000)); // a redelivery would have come by now
      await stop();
      expect(handled).toEqual(['cmd-slow-1']);
    } finally {
      await slow.close();
    }
  }, 20_000);
});
