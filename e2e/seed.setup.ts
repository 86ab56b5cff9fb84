// Seeds the e2e server through the real ingest endpoint: the hand-built fixture deals
// (known keys such as invoice INV-A1; a payment sent before its invoice; a duplicate),
// then a small backfill of the simulator (the synthetic firm) through the real collectors.

import { expect, test as setup } from '@playwright/test';
import { DEAL_EVENTS, EARLY_PAYMENT, INVOICE_A } from '../lib/testing/deal-fixtures';
import { Progress, runBackfill } from '../collectors/simulator/runner';
import { nativeSink } from '../collectors/simulator/native-sink';
import { backfillPlan, generateEvents } from '../collectors/simulator/generate';
import { E2E_ADMIN_TOKEN, E2E_BASE_URL, E2E_INGEST_TOKEN, E2E_SECRETS, E2E_SIM_DEALS } from './env';

const ingestHeaders = { authorization: `Bearer ${E2E_INGEST_TOKEN}` };

setup('seed the fixture deals and a simulated firm through POST /api/ingest/events', async ({ request }) => {
  setup.setTimeout(240_000);
  const first = await request.post('/api/ingest/events', { headers: ingestHeaders, data: [EARLY_PAYMENT] });
  expect(first.status()).toBe(202);
  const ndjson = DEAL_EVENTS.map((e) => JSON.stringify(e)).join('\n');
  const rest = await request.post('/api/ingest/events', { headers: { ...ingestHeaders, 'content-type': 'application/x-ndjson' }, data: ndjson });
  expect(rest.status()).toBe(202);
  // sent again at once: with NATS its first copy may still be on its way to ClickHouse, a duplicate all the same
  const again = await request.post('/api/ingest/events', { headers: ingestHeaders, data: [INVOICE_A] });
  expect(await again.json()).toMatchObject({ accepted: 0, duplicates: 1 });

  if (E2E_SIM_DEALS > 0) {
    const progress = new Progress(() => undefined);
    // Through the real collectors: each system's events as its vendor's signed native
    // webhooks (pairs a vendor format cannot carry losslessly go to the canonical endpoint).
    const o = { seed: 7, deals: E2E_SIM_DEALS, days: 45, now: Date.now() };
    const sample = [...generateEvents({ ...o, duplicates: false, upToNow: false })];
    const sink = await nativeSink({ baseUrl: E2E_BASE_URL, token: E2E_INGEST_TOKEN, log: (l) => console.log(l), secrets: E2E_SECRETS, sample, history: 'collectors' });
    const r = await runBackfill(o, sink, progress, { batchSize: 2000, concurrency: 2 });
    console.log(`[seed] simulator backfill: ${r.deals} deals, ${progress.accepted} events accepted, ${progress.duplicates} duplicates, ${progress.rejected} rejected`);
    // only what the simulator sent malformed on purpose (mapping defects, dead-lettered)
    expect(progress.rejected).toBe(backfillPlan(o).due.filter((s) => s.malformed).length);
  }

  // Visible to readers: the fixture invoice resolves to its deal. (The context's socket sat idle
  // through the backfill: the server may close it as the poll sends on it, an ECONNRESET the
  // next poll retries on a new one.)
  const resolved = async () =>
    (await request.get('/api/resolve?key=erp:invoice:INV-A1', { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } }).catch(() => null))?.status() ?? -1;
  await expect.poll(resolved).toBe(200);
  // The stuck queues, SLA, KPIs and leakage read the clock snapshot, refreshed behind ingest.
  const pending = async () => {
    const text = await (await request.get('/api/metrics', { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } })).text();
    const line = text.split('\n').find((l) => l.startsWith('cashtrace_clock_pending_deals '));
    return line ? Number(line.split(' ').pop()) : -1;
  };
  await expect.poll(pending, { timeout: 60_000 }).toBe(0);
});
