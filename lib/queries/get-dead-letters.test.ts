// Dead letters, orphans and ingest health against a real chDB store, with a fixed `now`
// so that every age, rate and lag is known in advance.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { openTempStore } from '../testing/temp-store';
import { ev } from '../testing/events';
import { IngestWriter } from '../ingest/writer';
import { getDeadLetters } from './get-dead-letters';
import { getDeadLetter } from './get-dead-letter';
import { getOrphans } from './get-orphans';
import { getIngestHealth } from './get-ingest-health';

let store: Store;
// Dead letters expire after the retention (90 days by default), so the fixture lives
// yesterday: NOW is yesterday 12:00 UTC, D is yesterday's date.
const y = new Date(Date.now() - 86_400_000);
const D = y.toISOString().slice(0, 10);
const NOW = `${D}T12:00:00Z`;
const daysBefore = (n: number) => new Date(Date.parse(NOW) - n * 86_400_000).toISOString().slice(0, 10);
const bigRaw = `{"payload":"${'x'.repeat(986)}"}`;

beforeAll(async () => {
  ({ store } = await openTempStore());
  const w = await IngestWriter.open(store);
  await w.write([
    // A stitched deal (not an orphan), received long before the window.
    ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-1', occurred_at: `${daysBefore(29)}T09:00:00Z`, received_at: `${daysBefore(29)}T09:00:01Z` }),
    // Orphans: a payment whose invoice never arrived (2 h old), an invoice whose order and
    // milestone are unknown (10 days old), and a payment of that invoice (30 min old): it
    // waits for nothing itself, its invoice is here but unstitched.
    ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'PAY-1', refs: ['erp:invoice:INV-1'], occurred_at: `${D}T09:59:00Z`, received_at: `${D}T10:00:00Z` }),
    ev({ source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: 'INV-2', refs: ['erp:sales_order:SO-2', 'psa:milestone:MS-2'], occurred_at: `${daysBefore(10)}T11:00:00Z`, received_at: `${daysBefore(10)}T12:00:00Z` }),
    ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'PAY-2', refs: ['erp:invoice:INV-2'], occurred_at: `${D}T11:29:00Z`, received_at: `${D}T11:30:00Z` }),
    // The ingest window (11:45–12:00]: three live events (lag 2 s, 5 s, 1 s) and one backfill.
    ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-2', occurred_at: `${D}T11:50:00Z`, received_at: `${D}T11:50:02Z` }),
    ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-3', occurred_at: `${D}T11:55:00Z`, received_at: `${D}T11:55:05Z` }),
    ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-4', occurred_at: `${D}T11:58:00Z`, received_at: `${D}T11:58:01Z` }),
    ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-5', occurred_at: `${daysBefore(60)}T08:00:00Z`, received_at: `${D}T11:59:00Z` }),
  ]);
  const letters = [
    { received_at: `${D} 10:00:00.000`, collector: 'events', reason: 'invalid', errors: ['type: Invalid option'], event_id: 'evt-1', content_type: 'application/json', raw: '{"type":"nope"}' },
    { received_at: `${D} 10:00:01.000`, collector: 'stripe', reason: 'malformed', errors: ['Unexpected token <'], event_id: '', content_type: 'text/html', raw: '<html>' },
    { received_at: `${D} 11:52:00.000`, collector: 'events', reason: 'invalid', errors: ['amount: Too big'], event_id: 'evt-3', content_type: 'application/json', raw: bigRaw },
  ];
  await store.insertJsonEachRow('dead_letters', letters.map((l) => JSON.stringify(l)).join('\n'));
});
afterAll(async () => {
  await store.close();
});

describe('getDeadLetters', () => {
  it('lists newest first with counts, a preview and pagination', async () => {
    const r = await getDeadLetters(store, { limit: 2 });
    expect(r.total).toBe(3);
    expect(r.by_reason).toEqual([{ key: 'invalid', count: 2 }, { key: 'malformed', count: 1 }]);
    expect(r.by_collector).toEqual([{ key: 'events', count: 2 }, { key: 'stripe', count: 1 }]);
    expect(r.items.map((i) => [i.event_id, i.reason, i.collector, i.received_at])).toEqual([
      ['evt-3', 'invalid', 'events', `${D}T11:52:00.000Z`],
      ['', 'malformed', 'stripe', `${D}T10:00:01.000Z`],
    ]);
    expect(r.items[0].raw_bytes).toBe(1000);
    expect(r.items[0].raw_preview).toBe(bigRaw.slice(0, 240));
    expect(r.items[0].errors).toEqual(['amount: Too big']);
    const next = await getDeadLetters(store, { limit: 2, cursor: r.next_cursor! });
    expect(next.items.map((i) => i.event_id)).toEqual(['evt-1']);
    expect(next.next_cursor).toBeNull();
  });

  it('filters by collector, reason, search text and time, and returns one letter in full', async () => {
    expect((await getDeadLetters(store, { collector: 'stripe' })).items.map((i) => i.reason)).toEqual(['malformed']);
    expect((await getDeadLetters(store, { reason: 'invalid' })).total).toBe(2);
    expect((await getDeadLetters(store, { q: 'evt-1' })).items.map((i) => i.raw_preview)).toEqual(['{"type":"nope"}']);
    expect((await getDeadLetters(store, { q: '<html' })).items.map((i) => i.collector)).toEqual(['stripe']);
    expect((await getDeadLetters(store, { from: daysBefore(-1) })).total).toBe(0);
    const [first] = (await getDeadLetters(store, {})).items;
    const full = await getDeadLetter(store, { id: first.id });
    expect(full?.raw).toBe(bigRaw);
    expect(await getDeadLetter(store, { id: '00000000-0000-4000-8000-000000000000' })).toBeNull();
  });
});

describe('getOrphans', () => {
  it('lists unstitched events oldest first with age and the references they wait for', async () => {
    const r = await getOrphans(store, { now: NOW });
    expect(r.total).toBe(3);
    expect(r.oldest_age_s).toBe(10 * 86400);
    expect(r.by_age).toEqual([
      { bucket: '< 1 h', count: 1 },
      { bucket: '1–24 h', count: 1 },
      { bucket: '1–7 d', count: 0 },
      { bucket: '> 7 d', count: 1 },
    ]);
    expect(r.by_source).toEqual([{ key: 'payments', count: 2 }, { key: 'erp', count: 1 }]);
    expect(r.items.map((o) => [o.entity_key, o.age_s, o.waiting_for])).toEqual([
      ['erp:invoice:INV-2', 864000, ['erp:sales_order:SO-2', 'psa:milestone:MS-2']],
      ['payments:payment:PAY-1', 7200, ['erp:invoice:INV-1']],
      ['payments:payment:PAY-2', 1800, []],
    ]);
  });

  it('filters by source and pages', async () => {
    const r = await getOrphans(store, { now: NOW, source: 'payments', limit: 1 });
    expect(r.total).toBe(2);
    expect(r.items.map((o) => o.entity_key)).toEqual(['payments:payment:PAY-1']);
    const next = await getOrphans(store, { now: NOW, source: 'payments', limit: 1, cursor: r.next_cursor! });
    expect(next.items.map((o) => o.entity_key)).toEqual(['payments:payment:PAY-2']);
  });
});

describe('getIngestHealth', () => {
  it('computes events/s, live lag, dead-letter rate and freshness over the window', async () => {
    const h = await getIngestHealth(store, { now: NOW, minutes: 15 });
    expect(h).toMatchObject({
      events: 4,
      live_events: 3,
      lag_p50_ms: 2000,
      lag_p95_ms: 5000,
      lag_max_ms: 5000,
      clock_ahead: 0,
      dead_letters: 1,
      dead_letter_rate: 0.2,
      total_events: 8,
      orphans: 3,
      last_received_at: `${D}T11:59:00.000Z`,
      freshness_s: 60,
    });
    expect(h.events_per_s).toBeCloseTo(4 / 900, 12);
    expect(h.last_minute_events_per_s).toBeCloseTo(1 / 60, 12);
    expect(h.per_minute.map((m) => [m.minute.slice(11, 16), m.events, m.dead_letters])).toEqual([
      ['11:50', 1, 0],
      ['11:52', 0, 1],
      ['11:55', 1, 0],
      ['11:58', 1, 0],
      ['11:59', 1, 0],
    ]);
  });

  it('finds the last receipt when nothing arrived in the window (an idle hour later)', async () => {
    const later = new Date(Date.parse(NOW) + 3_600_000).toISOString();
    const h = await getIngestHealth(store, { now: later, minutes: 15 });
    expect(h).toMatchObject({ events: 0, total_events: 8, orphans: 3, last_received_at: `${D}T11:59:00.000Z`, freshness_s: 3660 });
  });
});
