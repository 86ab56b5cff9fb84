// The writer's rows (into events_in, sql/076) store exactly what a row of `events` written
// directly holds (toRowLine): whether an event goes as the line its source sent or
// re-serialised. And a line with a key twice is stored once, as JSON.parse read it.
import { describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { ident, sql } from '../clickhouse/sql';
import { sharedTempStore } from '../testing/shared-temp-store';
import { ev } from '../testing/events';
import type { CanonicalEvent } from '../events/schema';
import { metrics } from '../observability/metrics';
import { eventRow, insertEventRows, rowJson, rowsBody, toRowLine } from './rows';
import { IngestWriter } from './writer';
import { prepareRows, rawInsert } from '../../bench/data';
import { rowFromLine } from '../testing/line-row';
import { truncateAll } from '../testing/temp-store';

let store: Store;
sharedTempStore((s) => (store = s), { empty: true });

// Recent: payloads past their retention (from received_at) may be cleared by a merge at any time.
const RECEIVED = new Date(Date.now() - 3_600_000).toISOString();
const OWN_RECEIVED = new Date(Date.now() - 7_200_000).toISOString();
const chText = (iso: string) => iso.replace('T', ' ').replace('Z', '');

/** As the ingest route makes it: the line parsed, validated, and its bytes handed along. */
const fromLine = (text: string) => rowFromLine(text, RECEIVED);

const events = (): CanonicalEvent[] => [
  ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-1', refs: ['erp:sales_order:SO-1'], amount: 0.125, currency: 'EUR', status: 'open', due_at: '2026-04-01T00:00:00.000Z', attributes: { customer: 'Société "Q" 株式会社', region: 'emea', practice: 'data', legal_entity: 'LE-1', billing_model: 'fixed_fee' }, payload: { lines: [{ q: 1, p: 12.3 }], note: 'x"y\\z\u2028' } }),
  ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: "O'Brien \\ 🧾", amount: 1234567.89, attributes: { currency: 'USD' }, received_at: OWN_RECEIVED, payload: 'a string payload' }),
  ev({ type: 'time.approved', source: 'psa', entity_type: 'timesheet', entity_id: 'TS-1', amount: -0.07, period_end: '2026-02-28T00:00:00.000Z', correlation_id: 'stamped-1', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) }),
  ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-1' }),
];

async function stored(deal: string): Promise<Record<string, unknown>[]> {
  return store.query<Record<string, unknown>>(
    sql`SELECT * EXCEPT (correlation_id), toString(flow_source) AS fs, toString(sync_attempt) AS sa FROM events WHERE correlation_id = ${deal} ORDER BY event_id`,
  );
}

describe('the writer\'s rows', () => {
  it('store what a row of events written directly holds, from the line as sent or re-serialised', async () => {
    const evs = events();
    const asSent = evs.map((e) => fromLine(JSON.stringify(e)));
    // each took the line as sent
    asSent.forEach((a, i) => expect(rowJson(a.row)).toContain(JSON.stringify(evs[i]).slice(1)));
    const serialised = evs.map((e) => eventRow(e, RECEIVED));
    await insertEventRows(store, rowsBody(asSent.map((a) => a.row), evs.map(() => 'A')));
    await insertEventRows(store, rowsBody(serialised, evs.map(() => 'B')));
    await store.insertJsonEachRow('events', evs.map((e) => toRowLine(e, 'C', RECEIVED)).join('\n'));
    const [a, b, c] = [await stored('A'), await stored('B'), await stored('C')];
    expect(c).toHaveLength(evs.length);
    expect(a).toEqual(c);
    expect(b).toEqual(c);
    const byEntity = Object.fromEntries(c.map((r) => [r.entity_id as string, r]));
    expect(byEntity['INV-1']).toMatchObject({ currency: 'EUR', customer: 'Société "Q" 株式会社', region: 'emea', billing_model: 'fixed_fee', status: 'open', received_at: chText(RECEIVED), due_at: '2026-04-01 00:00:00.000' });
    expect(JSON.parse(byEntity['INV-1'].payload as string)).toEqual(evs[0].payload);
    expect(byEntity["O'Brien \\ 🧾"]).toMatchObject({ currency: 'USD', amount: 1234567.89, received_at: chText(OWN_RECEIVED), payload: 'a string payload' });
    expect(byEntity['TS-1']).toMatchObject({ stamped_correlation_id: 'stamped-1', amount: -0.07, trace_id: 'a'.repeat(32), period_end: '2026-02-28 00:00:00.000' });
    expect(byEntity['OPP-1']).toMatchObject({ amount: null, currency: '', customer: '', refs: [], payload: '' });
  });

  it('a line with a key twice is stored once, as JSON.parse read it (the last), with the rest of its batch', async () => {
    const w = await IngestWriter.open(store);
    const [plain, other] = events();
    const twice = `{"event_id":"first-${plain.event_id}",${JSON.stringify(plain).slice(1, -1)},"status":"read first","status":"read last"}`;
    // Behind 20k others (~24 MB: the engine parses it in several chunks at once), last.
    const filler = Array.from({ length: 20_000 }, (_, i) => fromLine(JSON.stringify({ ...other, event_id: `filler-${i}`, payload: { pad: 'x'.repeat(1000) } })));
    const rows = [...filler, fromLine(twice)];
    const last = rows[rows.length - 1];
    expect(last.event.status).toBe('read last');
    expect(last.event.event_id).toBe(plain.event_id);
    const before = metrics().ingestReserialised.get();
    expect(await w.write(rows.map((r) => r.row))).toMatchObject({ inserted: rows.length, duplicates: 0 });
    expect(metrics().ingestReserialised.get()).toBe(before + 1);
    const got = await store.query<{ event_id: string; status: string }>(sql`SELECT event_id, status FROM events WHERE event_id = ${plain.event_id}`);
    expect(got).toEqual([{ event_id: plain.event_id, status: 'read last' }]);
    // alone (a small insert, parsed in one piece, where the engine would not look for a second key unless told to)
    const alone = fromLine(`{"status":"read first",${JSON.stringify({ ...other, event_id: 'alone', status: 'read last' }).slice(1)}`);
    expect(await w.write([alone.row])).toMatchObject({ inserted: 1 });
    expect(await store.query(sql`SELECT status FROM events WHERE event_id = 'alone'`)).toEqual([{ status: 'read last' }]);
    rows.push(alone);
    // nothing of the failed inserts stored: each event once, in events and in its views
    const tables = ['events', 'event_ids'] as const;
    for (const table of tables) {
      const [{ n, d }] = await store.query<{ n: string; d: string }>(sql`SELECT count() AS n, uniqExact(event_id) AS d FROM ${ident(table, tables)}`);
      expect([Number(n), Number(d)]).toEqual([rows.length, rows.length]);
    }
  });

  it("the bench's raw insert stores the same rows in either form (rows of events, or the writer's form into events_in)", async () => {
    const rows = prepareRows(3000, 7, Date.now());
    expect(rows.inChunks).toHaveLength(rows.rowChunks.length);
    // Payloads past retention may be cleared by a merge at any time: compared where both kept theirs.
    const read = () =>
      store.query<Record<string, unknown>>(sql`SELECT * EXCEPT (payload), cityHash64(payload) AS ph, payload != '' AS has_payload FROM events ORDER BY event_id`);
    await rawInsert([store], rows);
    const direct = await read();
    await truncateAll(store);
    await rawInsert([store], rows, { form: 'events_in' });
    const viaWriterForm = await read();
    expect(direct).toHaveLength(rows.events.length);
    expect(viaWriterForm).toHaveLength(rows.events.length);
    const strip = (r: Record<string, unknown>) => ({ ...r, ph: undefined, has_payload: undefined });
    expect(viaWriterForm.map(strip)).toEqual(direct.map(strip));
    const both = direct.filter((r, i) => r.has_payload && viaWriterForm[i].has_payload);
    expect(both.length).toBeGreaterThan(rows.events.length / 2);
    direct.forEach((r, i) => {
      if (r.has_payload && viaWriterForm[i].has_payload) expect(viaWriterForm[i].ph).toBe(r.ph);
    });
  });
});
