import { describe, expect, it } from 'vitest';
import { eventRow, rowJson, type EventRow } from '../ingest/rows';
import { ev } from '../testing/events';
import { LocalHandoff } from './local-handoff';

const events = [{ event_id: 'a' }, { event_id: 'b' }] as unknown as EventRow[];
const bytes = (s: string) => new TextEncoder().encode(s);
/** A message delivered with its body. */
const withBody = (s: string, seq = 1) => ({ data: bytes(s), seq });
/** A headers-only delivery: no body, its size and stream sequence. */
const headersOnly = (size: number, seq: number) => ({ data: new Uint8Array(0), seq, size });

describe('LocalHandoff', () => {
  it('keeps nothing until a consumer in this process enables it', async () => {
    const h = new LocalHandoff();
    expect(h.keep('m1', events, bytes('[1]'))).toBeNull();
    expect(await h.take('m1', withBody('[1]'))).toBeNull();
  });

  it('hands the events and their context over once, and only for a message with the very same bytes', async () => {
    const h = new LocalHandoff();
    h.enable();
    const context = { precheck: 1 };
    h.settle('m1', h.keep('m1', events, bytes('[1]'), context), true, 1);
    const taken = await h.take('m1', withBody('[1]'));
    expect(taken?.rows).toBe(events);
    expect(taken?.context).toBe(context);
    expect(taken?.bytes).toBe(3);
    expect(await h.take('m1', withBody('[1]'))).toBeNull();
    h.settle('m2', h.keep('m2', events, bytes('[2]')), true, 2);
    expect(await h.take('m2', withBody('[3]'))).toBeNull();
    expect(await h.take(undefined, withBody('[2]'))).toBeNull();
    expect(h.size).toBe(0);
  });

  it('hands a headers-only delivery over only at the sequence and size its publish was stored with', async () => {
    const h = new LocalHandoff();
    h.enable();
    h.settle('m1', h.keep('m1', events, bytes('[1]')), true, 7);
    expect((await h.take('m1', headersOnly(3, 7)))?.rows).toBe(events);
    h.settle('m2', h.keep('m2', events, bytes('[2]')), true, 8);
    expect(await h.take('m2', headersOnly(3, 9))).toBeNull(); // another message under that id
    h.settle('m3', h.keep('m3', events, bytes('[3]')), true, 10);
    expect(await h.take('m3', headersOnly(4, 10))).toBeNull(); // another body
    // delivered before the publish's ack came back: waits for it
    const kept = h.keep('m4', events, bytes('[4]'));
    const taking = h.take('m4', headersOnly(3, 11));
    h.settle('m4', kept, true, 11);
    expect((await taking)?.rows).toBe(events);
    // a publish JetStream dropped as a duplicate is not ours, whenever the message comes
    const dup = h.keep('m5', events, bytes('[5]'));
    const early = h.take('m5', headersOnly(3, 3));
    h.settle('m5', dup, false, 3);
    expect(await early).toBeNull();
    expect(h.size).toBe(0);
  });

  it('never replaces a kept entry and drops one whose publish JetStream did not store', async () => {
    const h = new LocalHandoff();
    h.enable();
    const first = h.keep('m1', events, bytes('[1]'));
    const other = [{ event_id: 'a' }] as unknown as EventRow[];
    const second = h.keep('m1', other, bytes('[1]'));
    expect(second).toBeNull();
    h.settle('m1', second, false);
    h.settle('m1', first, true, 1);
    expect((await h.take('m1', withBody('[1]')))?.rows).toBe(events);
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
    expect(await h.take('m1', withBody('12345678'))).toBeNull();
    expect(h.size).toBe(1);
  });

  it('lets the bytes of rows nobody will take go (not kept, dropped, or another message), never those it hands over', async () => {
    const rows = () => [eventRow(ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-R' }), '2026-03-02T10:00:00.000Z')];
    const released = (r: EventRow[]) => {
      try {
        rowJson(r[0]);
        return false;
      } catch {
        return true;
      }
    };
    // not kept: no consumer here
    const alone = rows();
    expect(new LocalHandoff().keep('m0', alone, bytes('[0]'))).toBeNull();
    expect(released(alone)).toBe(true);
    const h = new LocalHandoff();
    h.enable();
    // handed over: the writer releases them once they are in an insert body
    const handed = rows();
    h.settle('m1', h.keep('m1', handed, bytes('[1]')), true, 1);
    expect((await h.take('m1', withBody('[1]')))?.rows).toBe(handed);
    expect(released(handed)).toBe(false);
    // a duplicate publish: not stored, dropped
    const dup = rows();
    h.settle('m2', h.keep('m2', dup, bytes('[2]')), false);
    expect(released(dup)).toBe(true);
    // the delivered message is not the one kept
    const other = rows();
    h.settle('m3', h.keep('m3', other, bytes('[3]')), true, 3);
    expect(await h.take('m3', withBody('[4]'))).toBeNull();
    expect(released(other)).toBe(true);
  });
});
