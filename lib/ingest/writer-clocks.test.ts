// Clocks after the writer moves events between deals: event_facts and event_refs (the
// clocks' copies of events) must follow every move, so a clock reports the right deal
// once, never a stale copy under the old correlation ID or the orphan one.

import { describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { intervalsSql } from '../sla/intervals-sql';
import type { IntervalSpec } from '../sla/interval-spec';
import { sharedTempStore } from '../testing/shared-temp-store';
import { ev } from '../testing/events';
import { IngestWriter } from './writer';

let store: Store;
sharedTempStore((s) => (store = s));

const now = new Date('2026-06-01T00:00:00Z');
const dealClock: IntervalSpec = {
  start_events: ['opportunity.won'], end_events: ['project.provisioned'], match: 'deal', anchor: 'occurred_at', threshold_hours: 24, unit: 'calendar',
};
const invoiceClock: IntervalSpec = {
  start_events: ['invoice.issued'], end_events: ['payment.received'], match: 'invoice-paid', anchor: 'occurred_at', threshold_hours: 24, unit: 'calendar',
};

async function clock(spec: IntervalSpec) {
  return store.query<{ correlation_id: string; entity_key: string; ended_at: string | null }>(
    sql`SELECT correlation_id, entity_key, toString(ended_at) AS ended_at FROM ${intervalsSql(spec, { filters: {}, now })}
      ORDER BY entity_key SETTINGS enable_materialized_cte = 1`,
  );
}

/** The clocks' copies hold exactly the rows of events, under the same correlation IDs. */
async function expectCopiesMatchEvents(): Promise<void> {
  const facts = (t: 'events' | 'event_facts') =>
    store.query<{ row: string }>(sql`SELECT concat(event_id, '@', correlation_id) AS row FROM ${t === 'events' ? sql`events` : sql`event_facts`} ORDER BY row`);
  expect(await facts('event_facts')).toEqual(await facts('events'));
  const refs = (fromEvents: boolean) =>
    store.query<{ row: string }>(
      fromEvents
        ? sql`SELECT concat(entity_key, '>', r, '@', correlation_id) AS row FROM events ARRAY JOIN refs AS r ORDER BY row`
        : sql`SELECT concat(entity_key, '>', ref, '@', correlation_id) AS row FROM event_refs ORDER BY row`,
    );
  expect(await refs(false)).toEqual(await refs(true));
}

describe('clocks across merges and splits', () => {
  it('follow an orphan project and its invoice into the deal on merge, and out again on split', async () => {
    const w = await IngestWriter.open(store);
    const opp = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-7', amount: 100, currency: 'EUR', occurred_at: '2026-03-02T09:00:00Z' });
    const prj = ev({ source: 'psa', type: 'project.provisioned', entity_type: 'project', entity_id: 'PRJ-7', occurred_at: '2026-03-05T09:00:00Z' });
    const inv = ev({ source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: 'INV-7', refs: ['psa:project:PRJ-7'], amount: 100, currency: 'EUR', occurred_at: '2026-03-10T09:00:00Z' });
    const pay = ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'PAY-7', refs: ['erp:invoice:INV-7'], amount: 100, currency: 'EUR', occurred_at: '2026-03-20T09:00:00Z' });
    await w.write([opp, prj, inv, pay]);
    expect(await clock(dealClock)).toEqual([{ correlation_id: 'crm:opportunity:OPP-7', entity_key: 'crm:opportunity:OPP-7', ended_at: null }]);
    expect(await clock(invoiceClock)).toEqual([]); // the invoice is an orphan: no deal yet
    await expectCopiesMatchEvents();

    await w.merge('psa:project:PRJ-7', 'crm:opportunity:OPP-7', 'alice', 'project created without contract ref');
    expect(await clock(dealClock)).toEqual([{ correlation_id: 'crm:opportunity:OPP-7', entity_key: 'crm:opportunity:OPP-7', ended_at: '2026-03-05 09:00:00.000' }]);
    expect(await clock(invoiceClock)).toEqual([{ correlation_id: 'crm:opportunity:OPP-7', entity_key: 'erp:invoice:INV-7', ended_at: '2026-03-20 09:00:00.000' }]);
    await expectCopiesMatchEvents();

    await w.split('erp:invoice:INV-7', 'psa:project:PRJ-7', 'bob', 'wrong project on invoice');
    expect(await clock(invoiceClock)).toEqual([]);
    expect(await clock(dealClock)).toEqual([{ correlation_id: 'crm:opportunity:OPP-7', entity_key: 'crm:opportunity:OPP-7', ended_at: '2026-03-05 09:00:00.000' }]);
    await expectCopiesMatchEvents();
  });
});
