// Integration: the native sink over real HTTP into a real chDB store. History (a backfill)
// keeps the time each event was received and its vendor's payload, as the collector maps
// it; a live delivery goes to the collector's endpoint and is stamped on receipt.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { sql } from '@/lib/clickhouse/sql';
import type { CanonicalEvent } from '@/lib/events/schema';
import { startCollectorTestServer, type CollectorTestServer } from '../shared/test-server';
import { generateEvents } from './generate';
import { isHistory, nativeSink, routeOf } from './native-sink';

const TOKEN = 'ct_ingest_history_test_0123456789';
const SECRETS = {
  CASHTRACE_STRIPE_SECRET: 'whsec_history_test',
  CASHTRACE_HUBSPOT_SECRET: 'hs-history',
  CASHTRACE_DOCUSIGN_SECRET: 'ds-history',
  CASHTRACE_QUICKBOOKS_SECRET: 'qbo-history',
  CASHTRACE_XERO_SECRET: 'xero-history',
  CASHTRACE_NETSUITE_SECRET: 'ns-history',
};
Object.assign(process.env, { CASHTRACE_INGEST_TOKEN: TOKEN, CASHTRACE_BATCH_MAX_WAIT_MS: '10', ...SECRETS });
resetEnvForTests();

let t: CollectorTestServer;
beforeAll(async () => {
  t = await startCollectorTestServer({ '/api/ingest/events': async () => (await import('@/app/api/ingest/events/route')).POST });
});
afterAll(async () => {
  await t?.close();
});

interface Stored {
  entity_key: string;
  type: string;
  received_at: string;
  payload: string;
}
const chTime = (iso: string) => iso.replace('T', ' ').replace('Z', '');

describe('native sink: history and live deliveries', () => {
  it('keeps history at its receipt time with its vendor payload, and stamps live deliveries on receipt', async () => {
    const now = Date.now();
    const all = [...generateEvents({ seed: 11, deals: 200, days: 60, now, duplicates: false })];
    const logs: string[] = [];
    const sink = await nativeSink({ baseUrl: t.base, token: TOKEN, log: (l) => logs.push(l), secrets: SECRETS, sample: all, history: 'receipt' });
    const nativePairs = new Set(logs.join('\n').split('\n').filter((l) => l.endsWith(': native')).map((l) => l.trim().replace(/: native$/, '')));
    const isNative = (e: CanonicalEvent) => nativePairs.has(`${routeOf(e)} ${e.type}`);
    // One record's event once (the key the check below matches on).
    const seen = new Set<string>();
    const events = all.filter((e) => {
      const k = `${e.source}:${e.entity_type}:${e.entity_id} ${e.type}`;
      return !seen.has(k) && seen.add(k);
    });
    const history = events.filter((e) => isHistory(e, now));
    // The newest of them, sent as if due now: a live delivery.
    const live = history.splice(-40).map((e) => ({ ...e, received_at: new Date(now).toISOString() }));
    const routes = new Set(history.filter(isNative).map((e) => routeOf(e)));
    expect([...routes].sort()).toEqual(expect.arrayContaining(['cloudevents', 'docusign', 'netsuite', 'salesforce', 'stripe']));
    expect(live.filter(isNative).length).toBeGreaterThan(5);

    const sent = await sink.send(history);
    expect(sent.rejected).toBe(0);
    const liveStart = Date.now();
    expect((await sink.send(live)).rejected).toBe(0);

    const rows = await t.store.query<Stored>(sql`SELECT entity_key, toString(type) AS type, toString(received_at) AS received_at, payload FROM events`);
    const byKey = new Map(rows.map((r) => [`${r.entity_key} ${r.type}`, r]));
    const keyOf = (e: CanonicalEvent) => `${e.source}:${e.entity_type}:${e.entity_id} ${e.type}`;
    // Every event of history, native route or not, at the time it was received.
    for (const e of history) expect(byKey.get(keyOf(e))?.received_at, keyOf(e)).toBe(chTime(e.received_at!));
    // Its vendor's payload, as the live delivery of the same route and type carries it.
    const payment = history.find((e) => isNative(e) && routeOf(e) === 'stripe')!;
    expect(JSON.parse(byKey.get(keyOf(payment))!.payload)).toMatchObject({ object: 'event', data: { object: { object: expect.any(String) } } });
    const shape = (p: string) => Object.keys(JSON.parse(p) as object).sort();
    for (const l of live.filter(isNative)) {
      const twin = history.find((h) => isNative(h) && routeOf(h) === routeOf(l) && h.type === l.type);
      if (twin) expect(shape(byKey.get(keyOf(twin))!.payload), `${routeOf(l)} ${l.type}`).toEqual(shape(byKey.get(keyOf(l))!.payload));
    }
    // Live deliveries through the collectors: stamped when they arrived.
    const stampedOnArrival = (e: CanonicalEvent, since: number, rs = byKey) => expect(Date.parse(`${rs.get(keyOf(e))!.received_at.replace(' ', 'T')}Z`), keyOf(e)).toBeGreaterThanOrEqual(since - 1);
    for (const e of live.filter(isNative)) stampedOnArrival(e, liveStart);
    // 'collectors' posts history to the collectors too (the e2e seed): stamped on arrival.
    const viaCollectors = await nativeSink({ baseUrl: t.base, token: TOKEN, log: () => undefined, secrets: SECRETS, sample: all, history: 'collectors' });
    const more = [...generateEvents({ seed: 12, deals: 40, days: 30, now, duplicates: false })].filter((e) => isHistory(e, now) && isNative(e)).slice(0, 30);
    const start = Date.now();
    expect((await viaCollectors.send(more)).rejected).toBe(0);
    const again = await t.store.query<Stored>(sql`SELECT entity_key, toString(type) AS type, toString(received_at) AS received_at, payload FROM events WHERE event_id IN ${more.map((e) => e.event_id)}`);
    expect(again.length).toBeGreaterThan(0);
    for (const e of more.filter((m) => again.some((r) => `${r.entity_key} ${r.type}` === keyOf(m)))) stampedOnArrival(e, start, new Map(again.map((r) => [`${r.entity_key} ${r.type}`, r])));
  });
});
