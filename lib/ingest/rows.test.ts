import { describe, expect, it } from 'vitest';
import { ev } from '../testing/events';
import { BodyBuffers, eventRow, rowLine, rowsBody, toRowLine } from './rows';

describe('event rows', () => {
  it('a row line is the row under its deal: correlation_id first, then the row as kept', () => {
    const e = ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-1', refs: ['erp:sales_order:SO-1'], amount: 12.5, currency: 'EUR', payload: { a: 'x"y' }, attributes: { customer: 'Société "Q"' } });
    const row = eventRow(e, '2026-03-02T10:00:00.000Z');
    expect(row).toMatchObject({ event_id: e.event_id, entity_key: 'erp:invoice:INV-1', refs: ['erp:sales_order:SO-1'], stamped_correlation_id: '' });
    const cid = 'crm:opportunity:"odd"\\id';
    const line = rowLine(row, cid);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)[0]).toBe('correlation_id');
    expect(parsed).toEqual({ correlation_id: cid, ...(JSON.parse(row.json) as object) });
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
});
