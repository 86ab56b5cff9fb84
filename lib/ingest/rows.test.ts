import { describe, expect, it } from 'vitest';
import { ev } from '../testing/events';
import { BodyBuffers, eventRow, releaseRows, rowJson, rowLine, rowsBody, type EventRow } from './rows';

describe('event rows', () => {
  it('a row line is the event under its deal: the deal first, what Cashtrace adds, then the validated event', () => {
    const e = ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-1', refs: ['erp:sales_order:SO-1'], amount: 12.5, currency: 'EUR', payload: { a: 'x"y' }, attributes: { customer: 'Société "Q"' } });
    const row = eventRow(e, '2026-03-02T10:00:00.000Z');
    expect(row).toMatchObject({ event_id: e.event_id, entity_key: 'erp:invoice:INV-1', refs: ['erp:sales_order:SO-1'], stamped_correlation_id: '' });
    const cid = 'crm:opportunity:"odd"\\id';
    const line = rowLine(row, cid);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed).slice(0, 4)).toEqual(['deal_correlation_id', 'received_default', 'entity_key', 'amount_value']);
    expect(parsed).toEqual({ deal_correlation_id: cid, received_default: '2026-03-02T10:00:00.000Z', entity_key: 'erp:invoice:INV-1', amount_value: 12.5, ...e });
    expect(parsed).toEqual({ deal_correlation_id: cid, ...(JSON.parse(rowJson(row)) as object) });
  });

  it('an event whose line reads as the validated event goes as the line was sent; any other, re-serialised', () => {
    const e = ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-2', amount: 0.125, due_at: '2026-04-01T00:00:00.000Z', payload: { note: 'é' } });
    const receivedAt = '2026-03-02T10:00:00.000Z';
    const head = `{"received_default":"${receivedAt}","entity_key":"erp:invoice:INV-2","amount_value":0.125,`;
    const sent = (text: string, item: unknown = JSON.parse(text)) => {
      const bytes = Buffer.from(`  ${text}\n`);
      return rowJson(eventRow(e, receivedAt, { item, bytes, start: 2, end: 2 + Buffer.byteLength(text) }));
    };
    // As sent: spacing, key order and escapes of the line kept; unknown keys go along (the engine skips them).
    const asSent = `{ "extra": [1], ${JSON.stringify(e).slice(1).replace('"note":"é"', '"note": "\\u00e9"')}`;
    expect(asSent).toContain('"note": "\\u00e9"');
    expect(sent(asSent)).toBe(`${head}${asSent.slice(1)}`);
    const serialised = `${head}${JSON.stringify(e).slice(1)}`;
    // Timestamps not in their normal form (validation rewrote them), a key of Cashtrace's own, invalid UTF-8: re-serialised.
    expect(sent(JSON.stringify({ ...e, occurred_at: '2026-03-02T09:00:00Z' }))).toBe(serialised);
    expect(sent(JSON.stringify({ ...e, due_at: '2026-04-01T02:00:00+02:00' }))).toBe(serialised);
    expect(sent(JSON.stringify({ ...e, entity_key: 'erp:invoice:OTHER' }))).toBe(serialised);
    const bytes = Buffer.from(`${JSON.stringify(e).slice(0, -1)},"x":"Z"}`);
    bytes[bytes.length - 3] = 0xff; // the Z
    expect(rowJson(eventRow(e, receivedAt, { item: { ...e, x: '\ufffd' }, bytes, start: 0, end: bytes.length }))).toBe(serialised);
  });

  it('an insert body is the lines of the rows, newline-terminated, as UTF-8', () => {
    const rows = ['Société Générale', 'Kramerica', '株式会社 🧾'].map((customer, i) =>
      eventRow(ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-${i}`, attributes: { customer } }), '2026-03-02T10:00:00.000Z'),
    );
    const ids = ['crm:opportunity:OPP-0', 'crm:opportunity:OPP-1', 'crm:opportunity:Ö"2'];
    const body = rowsBody(rows, ids);
    expect(body.toString('utf8')).toBe(rows.map((r, i) => `${rowLine(r, ids[i])}\n`).join(''));
    expect(body.length).toBe(Buffer.byteLength(body.toString('utf8')));
    expect(rowsBody([], [])).toEqual(Buffer.alloc(0));
  });

  it('an insert body written into a reused, larger buffer holds exactly the same bytes', () => {
    const rows = ['Kramerica', '株式会社 🧾'].map((customer, i) =>
      eventRow(ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-R${i}`, attributes: { customer } }), '2026-03-02T10:00:00.000Z'),
    );
    const ids = ['crm:opportunity:OPP-R0', 'crm:opportunity:OPP-R1'];
    const fresh = rowsBody(rows, ids);
    const used = Buffer.alloc(fresh.length * 3, 0x7b); // an earlier, longer body's bytes
    const body = rowsBody(rows, ids, () => used);
    expect(body.equals(fresh)).toBe(true);
    expect(body.buffer).toBe(used.buffer);
  });

  it('body buffers: a returned buffer serves any body that fits, a bigger one gets room to grow, at most `keep` are kept', () => {
    const pool = new BodyBuffers(2);
    const a = pool.take(1000);
    expect(a.length).toBe(1250);
    pool.give(a);
    expect(pool.take(1200)).toBe(a); // fits
    const b = pool.take(5000); // none free: new
    expect(b).not.toBe(a);
    pool.give(a);
    pool.give(b);
    pool.give(pool.take(10_000));
    // three given, two kept: the largest
    const kept = [pool.take(1), pool.take(1)];
    expect(kept.map((x) => x.length).sort((x, y) => x - y)).toEqual([6250, 12_500]);
    expect(pool.take(1)).not.toBe(a);
  });

  it('rows keep their own bytes while others are released and their slabs reused; a released row refuses to be read', () => {
    // ~1.2 KB per row: a few hundred rows fill a slab, so these span many.
    const make = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) => {
        const e = ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: `${tag}-${i}`, payload: { note: `${tag}-${i} ${'Ö€x'.repeat(300)}` } });
        const row = eventRow(e, '2026-03-02T10:00:00.000Z');
        return { row, line: rowLine(row, '') };
      });
    const check = (made: { row: EventRow; line: string }[]) => made.forEach((m) => expect(rowLine(m.row, '')).toBe(m.line));
    const first = make('A', 4000);
    // Every slab keeps a live row but one run of them: only whole released slabs may be reused.
    const kept = first.filter((_, i) => i % 97 === 0 || (i > 1000 && i < 3000));
    releaseRows(first.filter((m) => !kept.includes(m)).map((m) => m.row));
    const second = make('B', 4000);
    check(kept);
    check(second);
    // Released: reading it is an error, not another row's bytes; releasing again is harmless.
    const gone = first[1];
    expect(() => rowJson(gone.row)).toThrow(/already written/);
    expect(() => rowsBody([gone.row], [''])).toThrow(/already written/);
    releaseRows([gone.row, gone.row]);
    releaseRows(second.map((m) => m.row));
    check(kept);
  });
});
