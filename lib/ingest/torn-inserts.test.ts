// A crash between an insert's events part and its views' parts (a torn insert): at the next
// start the writer rolls those events back and rebuilds the derived tables of their deals,
// so the batch sent again is stored exactly once, everywhere.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sharedTempStore } from '../testing/shared-temp-store';
import { ev } from '../testing/events';
import { toRowLine } from './rows';
import { IngestWriter } from './writer';
import { rollBackTornInserts } from './torn-inserts';
import { DERIVED_TABLES } from './stitch-store';
import { PATCH_DELETE, sql } from '../clickhouse/sql';

let store: Store;
sharedTempStore((s) => (store = s));

const DEAL = 'crm:opportunity:OPP-T1';
const base = [
  ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-T1', amount: 1000, currency: 'EUR' }),
  ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-T1', refs: [DEAL], amount: 400, currency: 'EUR' }),
];
const late = [
  ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-T2', refs: [DEAL], amount: 600, currency: 'EUR' }),
  ev({ type: 'payment.received', source: 'payments', entity_type: 'payment', entity_id: 'PAY-T1', refs: ['erp:invoice:INV-T1', DEAL], amount: 400, currency: 'EUR' }),
];

const n = z.coerce.number();
async function counts(correlationId: string) {
  const [r] = await store.query(
    sql`SELECT
        (SELECT count() FROM events WHERE correlation_id = ${correlationId}) AS events,
        (SELECT uniqExact(event_id) FROM events WHERE correlation_id = ${correlationId}) AS ids,
        (SELECT sum(events) FROM deal_summary WHERE correlation_id = ${correlationId}) AS summary_events,
        (SELECT sum(invoiced_value) FROM deal_summary WHERE correlation_id = ${correlationId}) AS invoiced,
        (SELECT count() FROM event_facts WHERE correlation_id = ${correlationId}) AS facts,
        (SELECT count() FROM event_refs WHERE correlation_id = ${correlationId}) AS refs,
        (SELECT sum(length(refs)) FROM events WHERE correlation_id = ${correlationId}) AS refs_expected`,
    z.object({ events: n, ids: n, summary_events: n, invoiced: n, facts: n, refs: n, refs_expected: n }),
  );
  return r;
}

describe('torn inserts', () => {
  it('are rolled back at start, and the batch sent again is stored once everywhere', async () => {
    const first = await IngestWriter.open(store);
    await first.write(base);
    const [{ correlation_id: deal }] = await store.query(sql`SELECT DISTINCT correlation_id FROM events`, z.object({ correlation_id: z.string() }));

    // The crash: the late events' rows and the views before event_ids_mv are in, event_ids is not.
    await store.insertJsonEachRow('events', late.map((e) => toRowLine(e, deal, new Date().toISOString())).join('\n'));
    await store.command(sql`DELETE FROM event_ids WHERE event_id IN ${late.map((e) => e.event_id)}`);
    expect((await counts(deal)).events).toBe(4);

    // Restart: the torn events are rolled back, the deal's derived rows rebuilt without them.
    const second = await IngestWriter.open(store);
    expect(await counts(deal)).toEqual({ events: 2, ids: 2, summary_events: 2, invoiced: 400, facts: 2, refs: 1, refs_expected: 1 });

    // The unacknowledged batch comes again: stored once, in every table.
    const r = await second.write(late);
    expect(r.inserted).toBe(2);
    expect(await counts(deal)).toEqual({ events: 4, ids: 4, summary_events: 4, invoiced: 1000, facts: 4, refs: 4, refs_expected: 4 });

    // A clean start afterwards finds nothing to roll back.
    await IngestWriter.open(store);
    expect((await counts(deal)).events).toBe(4);
  });

  it('are repaired whatever the order of the views: an event whose ID is stored but another view part is not', async () => {
    const deal = (await store.query(sql`SELECT DISTINCT correlation_id FROM events`, z.object({ correlation_id: z.string() })))[0].correlation_id;
    const more = [
      ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-T3', refs: [DEAL], amount: 50, currency: 'EUR' }),
      ev({ type: 'payment.received', source: 'payments', entity_type: 'payment', entity_id: 'PAY-T3', refs: ['erp:invoice:INV-T3', DEAL], amount: 50, currency: 'EUR' }),
    ];
    // The crash: event_ids and deal_summary got the new events, event_facts and event_refs did not.
    await store.insertJsonEachRow('events', more.map((e) => toRowLine(e, deal, new Date().toISOString())).join('\n'));
    const ids = more.map((e) => e.event_id);
    await store.command(sql`DELETE FROM event_facts WHERE event_id IN ${ids}`);
    await store.command(sql`DELETE FROM event_refs WHERE entity_key IN ${['erp:invoice:INV-T3', 'payments:payment:PAY-T3']}`);
    expect(await counts(deal)).toMatchObject({ events: 6, ids: 6, summary_events: 6, facts: 4, refs: 4, refs_expected: 7 });

    // Restart: the events stay (their IDs are stored: the batch sent again is a duplicate), the short tables are rebuilt.
    const writer = await IngestWriter.open(store);
    expect(await counts(deal)).toEqual({ events: 6, ids: 6, summary_events: 6, invoiced: 1050, facts: 6, refs: 7, refs_expected: 7 });
    const r = await writer.write(more);
    expect(r.duplicates).toBe(2);
    expect(await counts(deal)).toEqual({ events: 6, ids: 6, summary_events: 6, invoiced: 1050, facts: 6, refs: 7, refs_expected: 7 });
    // Nothing is left to repair: every table's check agrees with its view (deal_keys included).
    expect(await rollBackTornInserts(store, DERIVED_TABLES, PATCH_DELETE)).toEqual({ rolledBack: 0, repaired: 0 });
  });
});
