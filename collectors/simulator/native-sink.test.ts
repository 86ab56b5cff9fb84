// The native sink's offline round trip: each (collector, event type) the simulator emits
// is rendered by the collector's sender and parsed back by the collector; CloudEvents
// (the generic route) must keep every fact, and every verdict must be explained.

import { describe, expect, it } from 'vitest';
import { generateEvents } from './generate';
import { roundTripCheck, routeOf } from './native-sink';

describe('native sink round trip', () => {
  it('routes each source to its collector and keeps every fact through CloudEvents', async () => {
    const { COLLECTORS } = await import('../registry');
    const sample = [...generateEvents({ seed: 3, deals: 150, days: 120, now: Date.parse('2026-11-20T12:00:00Z'), duplicates: false })];
    expect(routeOf({ source: 'crm', source_instance: 'hubspot:de01' })).toBe('hubspot');
    expect(routeOf({ source: 'erp', source_instance: 'xero:uk01' })).toBe('xero');
    expect(routeOf({ source: 'payments', source_instance: 'stripe:acct_main' })).toBe('stripe');
    const verdict = roundTripCheck(COLLECTORS, sample, 'http://127.0.0.1:3000');
    const types = new Set(sample.map((e) => `${routeOf(e)} ${e.type}`));
    expect([...verdict.keys()].sort()).toEqual([...types].sort());
    const generic = [...verdict].filter(([k]) => k.startsWith('cloudevents '));
    expect(generic.length).toBeGreaterThan(5);
    expect(generic.filter(([, v]) => v !== true)).toEqual([]);
    console.log([...verdict].map(([k, v]) => `${k}: ${v}`).join('\n'));
  });
});
