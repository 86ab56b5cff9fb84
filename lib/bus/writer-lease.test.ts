// The ingest writer's lease on a real nats-server: one holder at a time, a web process that
// would be a second writer runs without it, a release hands it over, a holder whose lease
// was taken learns so at its next renewal, and a web process that lost it writes again once
// it takes it back.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServer } from '../testing/nats';
import { openTempStore } from '../testing/temp-store';
import type { Store } from '../clickhouse/client';
import { createRuntime } from '../runtime';
import { resetEnvForTests } from '../env';
import { acquireWriterLease, leaseHolder } from './writer-lease';
import { Kvm } from '@nats-io/kv';
import { dependencyChecks } from '../observability/dependencies';
import { metrics } from '../observability/metrics';
import { ingestEvents } from '../ingest/pipeline';
import { sql } from '../clickhouse/sql';
import { invoiceIssued } from '../testing/events';
import { startTcpProxy } from '../testing/tcp-proxy';

let nats: NatsServer;
let nc: NatsConnection;
let store: Store;
beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  ({ store } = await openTempStore());
});
afterAll(async () => {
  await nc?.close();
  await store?.close();
  await nats?.stop();
});

/** Rows and distinct events stored whose event ID starts so. */
async function storedCount(prefix: string): Promise<{ rows: number; ids: number }> {
  const [r] = await store.query<{ rows: string | number; ids: string | number }>(sql`SELECT count() AS rows, uniqExact(event_id) AS ids FROM events WHERE startsWith(event_id, ${prefix})`);
  return { rows: Number(r.rows), ids: Number(r.ids) };
}

const opts = (onLost: (why: string) => void = () => undefined) => ({ ttlMs: 3_000, replicas: 1, onLost });

describe('writer lease', () => {
  it('has one holder at a time; a release hands it over', async () => {
    const a = await acquireWriterLease(nc, 'lease1', { ...opts(), wait: false });
    expect(a).not.toBeNull();
    expect(await acquireWriterLease(nc, 'lease1', { ...opts(), wait: false })).toBeNull();
    expect(await leaseHolder(nc, 'lease1', opts())).toEqual(a!.holder);
    // a standby waits, and gets it once released
    const lines: string[] = [];
    const waiting = acquireWriterLease(nc, 'lease1', { ...opts(), wait: true, log: (l) => lines.push(l) });
    await new Promise((r) => setTimeout(r, 1_500)); // two renewals of the holder meanwhile
    await a!.release();
    const b = await waiting;
    expect(b!.holder.id).not.toBe(a!.holder.id);
    expect(lines[0]).toMatch(/^standby: the ingest writer's lease is held by .* pid \d+, since /);
    expect((await leaseHolder(nc, 'lease1', opts()))?.id).toBe(b!.holder.id);
    await b!.release();
    expect(await leaseHolder(nc, 'lease1', opts())).toBeNull();
  });

  it('a runtime that would be a second writer runs without the writer', async () => {
    process.env.CASHTRACE_NATS_PREFIX = 'lease2';
    resetEnvForTests();
    const holder = await acquireWriterLease(nc, 'lease2', { ...opts(), wait: false });
    const log = vi.spyOn(console, 'log');
    const rt = await createRuntime({ store, natsUrl: nats.url, worker: true, leaseWaitMs: 1_000 });
    try {
      expect(rt.batcher).toBeNull();
      expect(rt.writer).toBeNull();
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/another process writes the ingest stream \(.* pid \d+, since .*\): this one runs without the ingest writer/);
    } finally {
      log.mockRestore();
      await rt.shutdown();
      await holder!.release();
    }
    // free: the next runtime writes, and hands the lease back at shutdown
    const writer = await createRuntime({ store, natsUrl: nats.url, worker: true });
    expect(writer.batcher).not.toBeNull();
    expect((await leaseHolder(nc, 'lease2', opts()))?.pid).toBe(process.pid);
    await writer.shutdown();
    expect(await leaseHolder(nc, 'lease2', opts())).toBeNull();

    // restarted after a crash, a process finds its own old lease (a holder that renews no
    // more) and waits it out instead of running without the writer
    process.env.CASHTRACE_WRITER_LEASE_S = '1.5';
    resetEnvForTests();
    await (await new Kvm(nc).open('lease2_writer_lease')).create('writer', JSON.stringify({ id: 'crashed', host: 'this-host', pid: 1, since: new Date().toISOString() }));
    const restarted = await createRuntime({ store, natsUrl: nats.url, worker: true });
    expect(restarted.batcher).not.toBeNull();
    expect((await leaseHolder(nc, 'lease2', opts()))?.pid).toBe(process.pid);
    await restarted.shutdown();

    // A writer whose lease another process took stops writing, says so in its health and
    // waits as a standby. Events accepted meanwhile are durable in the stream; once the other
    // lets go, it takes the lease back with its writer read afresh and stores each of them once.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const lost: string[] = [];
    const lossesBefore = metrics().leaseLosses.get();
    const taken = await createRuntime({ store, natsUrl: nats.url, worker: true, onLeaseLost: (why) => lost.push(why) });
    try {
      await (await new Kvm(nc).open('lease2_writer_lease')).purge('writer');
      const other = await acquireWriterLease(nc, 'lease2', { ...opts(), wait: false });
      for (let i = 0; i < 150 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(lost).toEqual([expect.stringMatching(/^the lease was taken over by .* pid \d+/)]);
      expect(taken.writerLost?.()).toBe(`${lost[0]} — waiting as a standby to take the lease again`);
      expect(metrics().leaseLosses.get()).toBe(lossesBefore + 1);
      for (let i = 0; i < 150 && taken.batcher; i++) await new Promise((r) => setTimeout(r, 100));
      expect(taken.batcher).toBeNull();
      expect(taken.writer).toBeNull();
      const checks = await dependencyChecks(taken, undefined);
      expect(checks.ingest_writer).toEqual({ ok: false, detail: `stopped writing: ${lost[0]} — waiting as a standby to take the lease again` });
      const events = Array.from({ length: 30 }, (_, i) => invoiceIssued('standby', i, 7));
      expect(await ingestEvents(taken, events, { collector: 'test' })).toMatchObject({ accepted: 30, duplicates: 0 });
      await new Promise((r) => setTimeout(r, 1_500)); // a writer's batch wait many times over: nobody writes them
      expect(await storedCount('standby-')).toEqual({ rows: 0, ids: 0 });
      await other!.release();
      for (let i = 0; i < 100 && !taken.batcher; i++) await new Promise((r) => setTimeout(r, 100));
      expect(taken.writerLost?.()).toBeNull();
      expect(taken.writer).not.toBeNull();
      expect((await leaseHolder(nc, 'lease2', opts()))?.pid).toBe(process.pid);
      expect((await dependencyChecks(taken, undefined)).ingest_writer.ok).toBe(true);
      for (let i = 0; i < 100 && (await storedCount('standby-')).rows < 30; i++) await new Promise((r) => setTimeout(r, 100));
      await taken.writer!.settled();
      expect(await storedCount('standby-')).toEqual({ rows: 30, ids: 30 });
      // the writer read afresh knows them: sent again, they are duplicates
      expect(await ingestEvents(taken, events, { collector: 'test' })).toMatchObject({ accepted: 0, duplicates: 30 });
    } finally {
      quiet.mockRestore();
      await taken.shutdown();
      delete process.env.CASHTRACE_WRITER_LEASE_S;
      resetEnvForTests();
    }
    expect(await leaseHolder(nc, 'lease2', opts())).toBeNull();
    delete process.env.CASHTRACE_NATS_PREFIX;
    resetEnvForTests();
  });

  it('a web process cut off NATS while another held the lease meanwhile stops writing, takes the lease back once free, and writes again afresh', async () => {
    // The path of the quorum test's rare failure (stop 44): the lease expired while NATS was
    // out of reach, and its revisions, once back, say another process held it meanwhile.
    process.env.CASHTRACE_NATS_PREFIX = 'lease5';
    process.env.CASHTRACE_WRITER_LEASE_S = '1.5';
    resetEnvForTests();
    const short = { ...opts(), ttlMs: 1_500 };
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: nats.port });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    const lost: string[] = [];
    const rt = await createRuntime({ store, natsUrl: `nats://127.0.0.1:${proxy.port}`, worker: true, onLeaseLost: (why) => lost.push(why) });
    try {
      expect(rt.batcher).not.toBeNull();
      proxy.cut();
      // its key expires 1.5 s after its last renewal; another process takes the lease and lets go
      for (let i = 0; i < 100 && (await leaseHolder(nc, 'lease5', short)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await leaseHolder(nc, 'lease5', short)).toBeNull();
      const other = await acquireWriterLease(nc, 'lease5', { ...short, wait: false });
      expect(other).not.toBeNull();
      await other!.release();
      expect(lost).toEqual([]);
      proxy.restore();
      for (let i = 0; i < 150 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(lost).toEqual([expect.stringMatching(/^the lease expired \(last renewed \d+ s ago\) and another process held it meanwhile \(taken again at revision \d+, ours last at \d+, [01] write\(s\) of ours unanswered\)$/)]);
      for (let i = 0; i < 150 && !(rt.batcher && rt.writerLost?.() === null); i++) await new Promise((r) => setTimeout(r, 100));
      expect(rt.writerLost?.()).toBeNull();
      expect(rt.batcher).not.toBeNull();
      expect(lines.some((l) => /the ingest writer's lease is held again \(.* pid \d+\): this process writes again/.test(l))).toBe(true);
      expect((await leaseHolder(nc, 'lease5', short))?.pid).toBe(process.pid);
      const events = Array.from({ length: 20 }, (_, i) => invoiceIssued('cutoff', i, 5));
      expect(await ingestEvents(rt, events, { collector: 'test' })).toMatchObject({ accepted: 20, duplicates: 0 });
      for (let i = 0; i < 100 && (await storedCount('cutoff-')).rows < 20; i++) await new Promise((r) => setTimeout(r, 100));
      await rt.writer!.settled();
      expect(await storedCount('cutoff-')).toEqual({ rows: 20, ids: 20 });
    } finally {
      log.mockRestore();
      quiet.mockRestore();
      await rt.shutdown();
      await proxy.close();
      delete process.env.CASHTRACE_WRITER_LEASE_S;
      delete process.env.CASHTRACE_NATS_PREFIX;
      resetEnvForTests();
    }
  });

  it('tells a holder whose lease was taken over at its next renewal', async () => {
    const lost: string[] = [];
    const a = await acquireWriterLease(nc, 'lease3', { ...opts((why) => lost.push(why)), wait: false });
    expect(a).not.toBeNull();
    // someone removes the key and takes the lease (an operator, or a holder's expiry seen by another)
    const kv = await new Kvm(nc).open('lease3_writer_lease');
    await kv.purge('writer');
    const b = await acquireWriterLease(nc, 'lease3', { ...opts(), wait: false });
    expect(b).not.toBeNull();
    for (let i = 0; i < 150 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(lost).toEqual([expect.stringMatching(/^the lease was taken over/)]);
    await b!.release();
    await a!.release(); // a lost lease is not released (it is another's now)
    expect(await leaseHolder(nc, 'lease3', opts())).toBeNull();
  });

  it('a holder whose key an operator deleted or purged keeps the lease: nobody held it between, and it says so', async () => {
    for (const how of ['delete', 'purge'] as const) {
      const lost: string[] = [];
      const lines: string[] = [];
      const a = await acquireWriterLease(nc, `lease-${how}`, { ...opts((why) => lost.push(why)), wait: false, log: (l) => lines.push(l) });
      expect(a).not.toBeNull();
      const kv = await new Kvm(nc).open(`lease-${how}_writer_lease`);
      const before = (await kv.get('writer'))!.revision;
      await kv[how]('writer');
      // the next renewal (a third of the lease) finds the marker right after its own revision and creates the key again
      for (let i = 0; i < 150 && !lines.some((l) => /held again/.test(l)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(lost).toEqual([]);
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^the writer's lease was deleted at revision ${before + 1} \\(last renewed \\d+ s ago, ours last at ${before}\\) and nobody held it meanwhile: held again$`)));
      expect((await kv.get('writer'))?.revision).toBe(before + 2);
      expect((await leaseHolder(nc, `lease-${how}`, opts()))?.id).toBe(a!.holder.id);
      expect(() => a!.check()).not.toThrow();
      // and another process may not take it
      expect(await acquireWriterLease(nc, `lease-${how}`, { ...opts(), wait: false })).toBeNull();
      await a!.release();
      expect(await leaseHolder(nc, `lease-${how}`, opts())).toBeNull();
    }
  });

  it('is surely held while renewals get through; unconfirmed for two thirds of the lease (NATS gone) or released, it is not', async () => {
    const own = await startNatsServer();
    const c = await connect({ servers: own.url, reconnectTimeWait: 200 });
    const lines: string[] = [];
    const lease = await acquireWriterLease(c, 'lease-check', { ...opts(), wait: false, log: (l) => lines.push(l) });
    try {
      expect(() => lease!.check()).not.toThrow();
      await new Promise((r) => setTimeout(r, 2_500)); // past two thirds of the lease: renewed meanwhile
      expect(() => lease!.check()).not.toThrow();
      await own.stop();
      // the last renewal was sent before the cut: two thirds of the lease (2 s) after the cut it is unconfirmed
      await new Promise((r) => setTimeout(r, 2_100));
      expect(() => lease!.check()).toThrow(/the ingest writer's lease was last confirmed [\d.]+ s ago \(NATS unreachable\?\): this process writes nothing until it is renewed/);
      expect(lines.some((l) => /could not be renewed/.test(l))).toBe(true);
    } finally {
      await c.close().catch(() => undefined);
    }
    const other = await acquireWriterLease(nc, 'lease-check-2', { ...opts(), wait: false });
    await other!.release();
    expect(() => other!.check()).toThrow(/no longer holds the ingest writer's lease \(released\)/);
  });
});
