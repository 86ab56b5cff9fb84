import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../events/schema';
import { LocalHandoff } from './local-handoff';

const events = [{ event_id: 'a' }, { event_id: 'b' }] as unknown as CanonicalEvent[];
const bytes = (s: string) => new TextEncoder().encode(s);

describe('LocalHandoff', () => {
  it('keeps nothing until a consumer in this process enables it', () => {
    const h = new LocalHandoff();
    expect(h.keep('m1', events, bytes('[1]'))).toBeNull();
    expect(h.take('m1', bytes('[1]'))).toBeNull();
  });

  it('hands the events and their context over once, and only for a message with the very same bytes', () => {
    const h = new LocalHandoff();
    h.enable();
    const context = { precheck: 1 };
    h.settle('m1', h.keep('m1', events, bytes('[1]'), context), true);
    const taken = h.take('m1', bytes('[1]'));
    expect(taken?.events).toBe(events);
    expect(taken?.context).toBe(context);
    expect(h.take('m1', bytes('[1]'))).toBeNull();
    h.settle('m2', h.keep('m2', events, bytes('[2]')), true);
    expect(h.take('m2', bytes('[3]'))).toBeNull();
    expect(h.take(undefined, bytes('[2]'))).toBeNull();
    expect(h.size).toBe(0);
  });

  it('never replaces a kept entry and drops one whose publish JetStream did not store', () => {
    const h = new LocalHandoff();
    h.enable();
    const first = h.keep('m1', events, bytes('[1]'));
    const other = [{ event_id: 'a' }] as unknown as CanonicalEvent[];
    const second = h.keep('m1', other, bytes('[1]'));
    expect(second).toBeNull();
    h.settle('m1', second, false);
    h.settle('m1', first, true);
    expect(h.take('m1', bytes('[1]'))?.events).toBe(events);
    const dup = h.keep('m9', other, bytes('[9]'));
    h.settle('m9', dup, false);
    expect(h.size).toBe(0);
  });

  it('holds at most maxBytes and forgets entries older than maxAgeMs', async () => {
    const h = new LocalHandoff(10, 5);
    h.enable();
    expect(h.keep('m1', events, bytes('12345678'))).not.toBeNull();
    expect(h.keep('m2', events, bytes('12345678'))).toBeNull();
    await new Promise((r) => setTimeout(r, 15));
    expect(h.keep('m3', events, bytes('12345678'))).not.toBeNull();
    expect(h.take('m1', bytes('12345678'))).toBeNull();
    expect(h.size).toBe(1);
  });
});
