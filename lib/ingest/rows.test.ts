import { describe, expect, it } from 'vitest';
import { ev } from '../testing/events';
import { BodyBuffers, eventRow, releaseRows, rowJson, rowLine, rowsBody, toRowLine, type EventRow } from './rows';

describe('event rows', () => {
  it('a row line is the row under its deal: correlation_id first, then the row as kept', () => {
    const e = ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-1', refs: ['erp:sales_order:SO-1'], amount: 12.5, currency: 'EUR', payload: { a: 'x"y' }, attributes: { customer: 'Société "Q"' } });
    const row = eventRow(e, '2026-03-02T10:00:00.000Z');
    expect(row).toMatchObject({ event_id: e.event_id, entity_key: 'erp:invoice:INV-1', refs: ['erp:sales_order:SO-1'], stamped_correlation_id: '' });
    const cid = 'crm:opportunity:"odd"\\id';
    const line = rowLine(row, cid);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)[0]).toBe('correlation_id');
    expect(parsed).toEqual({ correlation_id: cid, ...(JSON.parse(rowJson(row)) as object) });
    expect(parsed).toMatchObject({ entity_key: 'erp:invoice:INV-1', customer: 'Société "Q"', currency: 'EUR', amount: 12.5, payload: { a: 'x"y' }, occurred_at: '2026-03-02T09:00:00.000Z', received_at: '2026-03-02T10:00:00.000Z' });
    expect(toRowLine(e, cid, '2026-03-02T10:00:00.000Z')).toBe(line);
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
        return { row: eventRow(e, '2026-03-02T10:00:00.000Z'), line: toRowLine(e, '', '2026-03-02T10:00:00.000Z') };
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
