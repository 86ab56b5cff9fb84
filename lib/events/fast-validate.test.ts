// The fast path must never accept what zod rejects and must build exactly zod's output.

import { describe, expect, it } from 'vitest';
import { benchEvents } from '../../bench/data';
import { fastCanonicalEvent } from './fast-validate';
import { canonicalEventSchema, validateEvents } from './schema';

const base = {
  event_id: 'ev-1',
  source: 'erp',
  type: 'invoice.issued',
  occurred_at: '2026-05-04T10:00:00Z',
  entity_type: 'invoice',
  entity_id: 'INV-1',
  refs: ['crm:opportunity:OPP-1'],
  amount: 100,
  currency: 'EUR',
};

const long = (n: number) => 'x'.repeat(n);
const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

/** Tricky values per field: valid edge cases, invalid ones, and shapes only zod handles. */
const VARIANTS: Record<string, unknown[]> = {
  event_id: [undefined, null, '', 'a', long(200), long(201), 'a\u0000b', 'tab\there', 'del\u007f', 7, 'é ünïcode'],
  source: [undefined, 'crm', 'middleware', 'CRM', 'nope', 1],
  source_instance: [undefined, null, '', 'eu-1', long(100), long(101), 'a\nb', 3],
  type: [undefined, 'unmapped', 'invoice.exploded', 'opportunity.won', null],
  occurred_at: [
    undefined, null, '', '2026-05-04', '2026-05-04T10:00:00+02:00', '2026-05-04T10:00:00.123456Z', '2026-5-4', 'May 4 2026',
    '1999-12-31T23:59:59Z', '2100-12-31T23:59:59Z', '2101-01-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z',
    1.7e12, 0, Infinity, NaN, '+002026-01-01', true, {}, [],
    '2024-02-29T12:00:00.000Z', '2023-02-29T12:00:00.000Z', '2000-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2026-04-31T00:00:00.000Z',
    '2026-12-31T23:59:59.999Z', '2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T23:59:60.000Z', '2026-00-10T00:00:00.000Z',
    '2026-01-00T00:00:00.000Z', '2026-01-01T00:00:00.00Z', '2026-01-01t00:00:00.000Z', '2026-01-01T00:00:00.000z', '2026-01-01 00:00:00.000Z',
    '2026-01-01T00:00:00.0000Z', '2026-1a-01T00:00:00.000Z', '2026-01-01T00:00:00+00:00', '1999-12-31T23:59:59.999Z', '2101-01-01T00:00:00.000Z',
  ],
  received_at: [undefined, null, '2026-05-04T10:00:01Z', 'garbage', 1.7e12],
  entity_type: [undefined, 'invoice', 'Invoice', '1abc', 'a'.repeat(64), 'a'.repeat(65), 'sales_order', 'a-b'],
  entity_id: [undefined, '', 'INV 1', long(201), 'x\ny'],
  refs: [
    undefined, null, [], ['erp:invoice:1'], ['nope:invoice:1'], ['corr:deal:abc'], ['erp:Invoice:1'], ['erp:invoice:'], [''],
    ['erp:invoice:a\u0001'], [`erp:invoice:${long(290)}`], [`erp:invoice:${long(300)}`], Array(50).fill('crm:opportunity:1'),
    Array(51).fill('crm:opportunity:1'), [1], 'crm:opportunity:1', [null],
    ['crmx:opportunity:1'], ['crm::1'], ['corr:deal:'], ['corr:other:1'], ['crm:opportunity:1', 'nope:x:1'],
  ],
  correlation_id: [undefined, null, '', 'deal-1', long(201), 'a\u0000'],
  amount: [undefined, null, 0, -1e13, 1e13, 1e13 + 1, -1e13 - 1, 12.5, NaN, Infinity, '10', -0],
  currency: [undefined, null, '', 'EUR', 'eur', 'EURO', 1],
  status: [undefined, null, '', 'open', long(64), long(65), 'a\tb'],
  due_at: [undefined, null, '2026-06-01T00:00:00Z', 'soon', 1.7e12, '1990-01-01T00:00:00Z'],
  period_end: [undefined, null, '2026-06-30', 'x'],
  attributes: [
    undefined, null, {}, { customer: 'Acme' }, { Customer: 'x' }, { a_1: 'x' }, { '1a': 'x' }, { a: 1 }, { a: long(200) }, { a: long(201) },
    { [`a${long(63)}`]: 'x' }, { [`a${long(64)}`]: 'x' }, many(32), many(33), ['a'], 'str', JSON.parse('{"__proto__":"x"}'),
    Object.create(null), Object.assign(Object.create(null), { customer: 'A' }), new Map(),
  ],
  trace_id: [undefined, null, '', '0123456789abcdef0123456789abcdef', '0123456789ABCDEF0123456789ABCDEF', 'abc'],
  span_id: [undefined, null, '', '0123456789abcdef', '0123456789abcdeg'],
  payload: [undefined, null, 'text', { a: [1, 2] }, 0, false, [1]],
};

function check(input: unknown): 'fast' | 'zod-ok' | 'zod-error' {
  const fast = fastCanonicalEvent(input);
  const z = canonicalEventSchema.safeParse(input);
  if (fast) {
    expect(z.success, JSON.stringify(input)).toBe(true);
    expect(fast).toStrictEqual(z.data);
    expect(Object.keys(fast)).toEqual(Object.keys(z.data!));
    return 'fast';
  }
  return z.success ? 'zod-ok' : 'zod-error';
}

describe('fastCanonicalEvent', () => {
  it('builds exactly the schema output for the simulator events', () => {
    const events = [...benchEvents(3000, 7, Date.UTC(2026, 5, 1), 120)].map((b) => JSON.parse(JSON.stringify(b.event)));
    for (const e of events) expect(check(e)).toBe('fast');
  });

  it('never accepts what zod rejects, for every tricky value of every field', () => {
    const seen = { fast: 0, 'zod-ok': 0, 'zod-error': 0 };
    for (const [field, values] of Object.entries(VARIANTS)) {
      for (const v of values) {
        seen[check({ ...base, [field]: v })]++;
        const without: Record<string, unknown> = { ...base };
        delete without[field];
        seen[check(without)]++;
      }
    }
    for (const odd of [null, undefined, 1, 'event', [], [base], new Date(), Object.assign(Object.create(null), base), { ...base, extra: 1 }]) seen[check(odd)]++;
    expect(seen.fast).toBeGreaterThan(50);
    expect(seen['zod-error']).toBeGreaterThan(50);
    expect(seen['zod-ok']).toBeGreaterThan(0);
  });

  it('validateEvents gives zod errors for the events the fast path leaves to zod', () => {
    const { valid, rejected } = validateEvents([base, { ...base, amount: 'ten' }, { ...base, occurred_at: 1.7e12 }]);
    expect(valid.map((v) => v.index)).toEqual([0, 2]);
    expect(rejected).toEqual([{ index: 1, errors: [expect.stringMatching(/^amount: /)] }]);
  });
});
