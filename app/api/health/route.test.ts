// GET /api/health: 200 with each dependency's state; 503 ("degraded") once one is down —
// here the NATS server the bus uses, stopped under the running app.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '@/lib/runtime';
import { closeTestRuntime, openTestRuntime } from '@/lib/testing/test-runtime';
import { startNatsServer, type NatsServer } from '@/lib/testing/nats';

let nats: NatsServer;
let rt: Runtime;
let route: typeof import('./route');

beforeAll(async () => {
  nats = await startNatsServer();
  process.env.NATS_URL = nats.url;
  rt = await openTestRuntime();
  route = await import('./route');
}, 60_000);
afterAll(async () => {
  await closeTestRuntime(rt);
  delete process.env.NATS_URL;
  await nats?.stop();
});

describe('GET /api/health', () => {
  it('answers 200 with the store, the bus and the writer', async () => {
    const res = await route.GET();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.checks.clickhouse).toEqual({ ok: true, detail: expect.stringMatching(/^(embedded chDB|ClickHouse server http:\/\/127\.0\.0\.1:\d+)$/) });
    expect(body.checks.bus).toEqual({ ok: true, detail: expect.stringMatching(/^nats rtt [\d.]+ ms; ingest stream 1 copy$/) });
    expect(body.checks.ingest_writer).toEqual({ ok: true, detail: expect.stringMatching(/^in process; 0 rows queued/) });
  });

  it('answers 503 when the bus is down, saying which', async () => {
    await nats.stop();
    const res = await route.GET();
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe('degraded');
    expect(body.checks.bus).toEqual({ ok: false, detail: expect.stringMatching(/disconnected|closed|timeout/i) });
    expect(body.checks.clickhouse.ok).toBe(true);
  });
});
