import { describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { writerHarness } from '../testing/writer-harness';
import { ev } from '../testing/events';
import { committedEventIds } from './committed-ids';

let store: Store;
const { openWriter, correlationOf } = writerHarness((s) => (store = s));

describe('committedEventIds', () => {
  it('finds exactly the stored IDs, whatever characters they hold, in either form of the lookup', async () => {
    const w = await openWriter(store);
    const odd = ["it's", 'back\\slash', 'quote"d', 'Société—株式会社', "x',(SELECT 1)--", 'evt-1'];
    await w.write(odd.map((id, i) => ev({ event_id: id, type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-${i}` })));
    const absent = ['evt-2', 'evt-1 ', 'société—株式会社', ''];
    // Joined by newlines (no ID holds one) …
    expect([...(await committedEventIds(store, [...odd, ...absent]))].sort()).toEqual([...odd].sort());
    // … and, when one does, as an array parameter; same answer.
    expect([...(await committedEventIds(store, [...odd, ...absent, 'line\nbreak']))].sort()).toEqual([...odd].sort());
    expect(await committedEventIds(store, [])).toEqual(new Set());
  });
});

describe('IngestWriter', () => {
  it('stores each event once and counts redelivered ones as duplicates', async () => {
    const w = await openWriter(store);
    const a = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-1', amount: 1000, currency: 'EUR' });
    expect(w.lastInsertAt).toBe(0);
    const before = Date.now();
    const r1 = await w.write([a, a]);
    expect(r1).toMatchObject({ inserted: 1, duplicates: 1 });
    // the last-insert metric's time (the bench times its runs by it)
    const stored = w.lastInsertAt;
    expect(stored).toBeGreaterThanOrEqual(before);
    expect(stored).toBeLessThanOrEqual(Date.now());
    const r2 = await w.write([a]);
    expect(r2).toMatchObject({ inserted: 0, duplicates: 1 });
    expect(w.lastInsertAt).toBe(stored); // nothing stored: unchanged
    const [{ c }] = await store.query<{ c: string }>(sql`SELECT count() AS c FROM events`);
    expect(Number(c)).toBe(1);
    expect(await correlationOf(a.event_id)).toEqual(['crm:opportunity:OPP-1']);
  });

  it('overlapping writes: a redelivery in flight is one row, orphans written alongside their parent join the deal', async () => {
    const w = await openWriter(store);
    const a = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-20', amount: 10 });
    const pay = ev({ source: 'payments', type: 'payment.received', entity_type: 'payment', entity_id: 'PAY-20', refs: ['erp:invoice:INV-20'] });
    const inv = ev({ source: 'erp', type: 'invoice.issued', entity_type: 'invoice', entity_id: 'INV-20', refs: ['crm:opportunity:OPP-20'] });
    const [r1, r2, r3] = await Promise.all([w.write([a, pay]), w.write([a]), w.write([inv, pay])]);
    await w.settled();
    expect([r1.inserted, r2.inserted, r3.inserted]).toEqual([2, 0, 1]);
    expect(r2.duplicates + r3.duplicates).toBe(2);
    expect(await correlationOf(a.event_id)).toEqual(['crm:opportunity:OPP-20']);
    expect(await correlationOf(pay.event_id)).toEqual(['crm:opportunity:OPP-20']);
    expect(await correlationOf(inv.event_id)).toEqual(['crm:opportunity:OPP-20']);
  });

  it('inserts overlap on two connections, each batch taking the least busy one', async () => {
    const other = await store.fork();
    const taken: string[] = [];
    let running = 0;
    let overlapped = false;
    // The first insert is held until a second one starts (at most 5 s): the second batch
    // is then prepared while the first insert runs, however slow the machine.
    let secondStarted: () => void = () => undefined;
    const second = new Promise<void>((r) => (secondStarted = r));
    const lane = (s: Store, name: string): Store => ({
      ...s,
      async insertJsonEachRow(table, body) {
        taken.push(name);
        running++;
        overlapped ||= running > 1;
        try {
          if (taken.length === 1) await Promise.race([second, new Promise((r) => setTimeout(r, 5000))]);
          else secondStarted();
          return await s.insertJsonEachRow(table, body);
        } finally {
          running--;
        }
      },
    });
    try {
      const w = await openWriter(store, store, [lane(other, 'second'), lane(store, 'first')]);
      const events = [50, 51, 52, 53].map((n) => ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-${n}` }));
      const results = await Promise.all(events.map((e) => w.write([e])));
      await w.settled();
      expect(results.map((r) => r.inserted)).toEqual([1, 1, 1, 1]);
      expect(taken.slice(0, 2)).toEqual(['second', 'first']);
      expect(taken).toHaveLength(4);
      expect(overlapped).toBe(true);
      const [{ n, ids }] = await store.query<{ n: string; ids: string }>(sql`SELECT count() AS n, uniqExact(event_id) AS ids FROM events`);
      expect([Number(n), Number(ids)]).toEqual([4, 4]);
    } finally {
      await other.close();
    }
  });

  it('a batch that counted events of a failed batch in flight as duplicates fails too, so a retry stores them', async () => {
    let fail = true;
    // The first insert fails only once the second batch is prepared (its lookup may take
    // any time on a busy machine): that batch then counts the first's event as in flight.
    let secondPrepared: () => void = () => undefined;
    const prepared = new Promise<void>((r) => (secondPrepared = r));
    const flaky: Store = {
      ...store,
      async insertJsonEachRow(table, body) {
        if (fail) {
          fail = false;
          await prepared;
          throw new Error('insert failed');
        }
        return store.insertJsonEachRow(table, body);
      },
    };
    const w = await openWriter(flaky);
    const a = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-30' });
    const b = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-31' });
    const c = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-32' });
    const [first, second, third] = await Promise.allSettled([w.write([a]), w.write([a, b], secondPrepared), w.write([c])]);
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('rejected');
    expect(third).toMatchObject({ status: 'fulfilled', value: { inserted: 1 } });
    const retry = await w.write([a, b]);
    expect(retry).toMatchObject({ inserted: 1, duplicates: 1, stored: [true, false] });
    const [{ n, ids }] = await store.query<{ n: string; ids: string }>(sql`SELECT count() AS n, uniqExact(event_id) AS ids FROM events`);
    expect([Number(n), Number(ids)]).toEqual([3, 3]);
  });

  it('an answer of the committed-ID lookup that predates an overlapping write still finds its events', async () => {
    let calls = 0;
    let counting = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let answered: () => void = () => undefined;
    const secondAnswered = new Promise<void>((r) => (answered = r));
    const slow: Store = {
      ...store,
      async query(q, schema) {
        // The second lookup sent (a server may answer the two in either order) is answered
        // before the first batch is stored, but arrives after.
        const second = counting && q.build().query.includes('FROM event_ids') && ++calls === 2;
        const rows = await store.query(q, schema);
        if (second) {
          answered();
          await gate;
        }
        return rows;
      },
      async insertJsonEachRow(table, body, settings) {
        if (counting) await secondAnswered;
        return store.insertJsonEachRow(table, body, settings);
      },
    };
    const w = await openWriter(slow);
    counting = true; // the lookups of the writes below, not the start-up check for torn inserts
    const a = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-40' });
    const first = w.write([a]);
    const second = w.write([a]);
    await first;
    release();
    expect(await second).toMatchObject({ inserted: 0, duplicates: 1 });
    const [{ n }] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM events`);
    expect(Number(n)).toBe(1);
  });
});

describe('IngestWriter pre-check (the ingest route with NATS)', () => {
  function countingLookups(): { store: Store; count: () => number } {
    let n = 0;
    const counting: Store = {
      ...store,
      async query(q, schema) {
        if (q.build().query.includes('FROM event_ids')) n += 1;
        return store.query(q, schema);
      },
    };
    return { store: counting, count: () => n };
  }

  it('events handed over with its answer are not looked up again; one stored or in flight since the pre-check is still a duplicate', async () => {
    const lookups = countingLookups();
    const w = await openWriter(store, lookups.store);
    const a = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-50' });
    const b = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-51' });
    const c = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-52' });
    const d = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-53' });
    await w.write([a]);
    const before = lookups.count();
    const { committed, absent } = await w.precheck([a.event_id, b.event_id, c.event_id, d.event_id]);
    expect([...committed]).toEqual([a.event_id]);
    expect(lookups.count()).toBe(before + 1);
    // b arrives again from elsewhere (decoded: no pre-check) and is stored before the handed-over batch.
    expect(await w.write([b])).toMatchObject({ inserted: 1 });
    expect(lookups.count()).toBe(before + 2);
    // c is written alongside: in flight or stored when the handed-over batch is prepared.
    const handed = [b, c, d];
    const [other, mine] = await Promise.all([w.write([c]), w.write(handed, undefined, [{ start: 0, end: 3, tag: absent }])]);
    expect(lookups.count()).toBe(before + 3);
    expect(other).toMatchObject({ inserted: 1 });
    expect(mine).toMatchObject({ inserted: 1, duplicates: 2, stored: [false, false, true] });
    const [{ n, uniq }] = await store.query<{ n: string; uniq: string }>(sql`SELECT count() AS n, uniqExact(event_id) AS uniq FROM events`);
    expect([Number(n), Number(uniq)]).toEqual([4, 4]);
  });

  it('events that come without the answer (a redelivery decoded from JetStream) are looked up', async () => {
    const lookups = countingLookups();
    const w = await openWriter(store, lookups.store);
    const a = ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-60' });
    const { absent } = await w.precheck([a.event_id]);
    expect(await w.write([a], undefined, [{ start: 0, end: 1, tag: absent }])).toMatchObject({ inserted: 1 });
    const before = lookups.count();
    // The same message again after its ack was lost: new objects, no pre-check.
    expect(await w.write([{ ...a }])).toMatchObject({ inserted: 0, duplicates: 1 });
    expect(lookups.count()).toBe(before + 1);
  });
});

describe('IngestWriter as the store\'s only writer (its dedup filter)', () => {
  /** Counts the committed-ID lookups (not the filter's load); `failLoad` makes the load's pages fail. */
  function lookupsOf(base: Store, { failLoad = false } = {}): { store: Store; count: () => number } {
    let n = 0;
    const counting: Store = {
      ...base,
      async query(q, schema) {
        const text = q.build().query;
        if (text.includes('FROM event_ids WHERE event_id IN')) n += 1;
        if (failLoad && text.includes('ORDER BY event_id LIMIT')) throw new Error('load failed');
        return base.query(q, schema);
      },
    };
    return { store: counting, count: () => n };
  }
  const won = (n: number) => ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-7${n}` });

  it('looks up only the IDs it may have stored; a restarted writer loads the stored ones', async () => {
    const [a, b, c, d] = [1, 2, 3, 4].map(won);
    const lookups = lookupsOf(store);
    const w = await openWriter(store, lookups.store, [], { soleWriter: true });
    await w.idsLoaded;
    expect(await w.write([a, b])).toMatchObject({ inserted: 2, duplicates: 0 });
    expect(lookups.count()).toBe(0);
    expect(await w.write([a, c])).toMatchObject({ inserted: 1, duplicates: 1, stored: [false, true] });
    expect(lookups.count()).toBe(1);
    const again = lookupsOf(store);
    const w2 = await openWriter(store, again.store, [], { soleWriter: true });
    await w2.idsLoaded;
    expect(await w2.write([a, b, c, d])).toMatchObject({ inserted: 1, duplicates: 3, stored: [false, false, false, true] });
    expect(again.count()).toBe(1);
    const [{ n, uniq }] = await store.query<{ n: string; uniq: string }>(sql`SELECT count() AS n, uniqExact(event_id) AS uniq FROM events`);
    expect([Number(n), Number(uniq)]).toEqual([4, 4]);
  });

  it('an insert that failed after the engine stored its rows leaves them to be found: the retry is a duplicate', async () => {
    let tear = true;
    const torn: Store = {
      ...store,
      async insertJsonEachRow(table, body) {
        await store.insertJsonEachRow(table, body);
        if (tear) {
          tear = false;
          throw new Error('connection lost after the insert');
        }
      },
    };
    const w = await openWriter(torn, store, [], { soleWriter: true });
    await w.idsLoaded;
    const a = won(5);
    await expect(w.write([a])).rejects.toThrow(/connection lost/);
    expect(await w.write([a])).toMatchObject({ inserted: 0, duplicates: 1 });
    const [{ n }] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM events`);
    expect(Number(n)).toBe(1);
  });

  it('looks every ID up while its filter is not loaded (here: never, the load failed)', async () => {
    const lookups = lookupsOf(store, { failLoad: true });
    const w = await openWriter(store, lookups.store, [], { soleWriter: true });
    await w.idsLoaded;
    const a = won(6);
    expect(await w.write([a])).toMatchObject({ inserted: 1 });
    expect(await w.write([a])).toMatchObject({ inserted: 0, duplicates: 1 });
    expect(lookups.count()).toBe(2);
  });
});

describe('stored rows', () => {
  it('keep each payload as its JSON text (a string payload as the string, none as empty) and each instant to the millisecond', async () => {
    const w = await openWriter(store);
    const payloads: unknown[] = [{ a: 1, b: 'x"y\n', c: [1, { d: null }], e: 'é€🧾' }, 'plain "text"\n', '{"looks":"like json"}', [1, 'a'], 42, 1.5e-7, true, {}, null];
    await w.write(payloads.map((payload, i) => ev({ event_id: `p-${i}`, type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-${i}`, payload, occurred_at: '2026-03-02T09:08:07.006Z', due_at: '2026-04-01T00:00:00.000Z' })));
    const rows = await store.query<{ event_id: string; payload: string; occurred_at: string; due_at: string | null; period_end: string | null }>(
      sql`SELECT event_id, payload, toString(occurred_at) AS occurred_at, toString(due_at) AS due_at, period_end FROM events ORDER BY toUInt32(substring(event_id, 3))`,
    );
    expect(rows.map((r) => r.payload)).toEqual(payloads.map((p) => (p === null ? '' : typeof p === 'string' ? p : JSON.stringify(p))));
    for (const r of rows) expect(r).toMatchObject({ occurred_at: '2026-03-02 09:08:07.006', due_at: '2026-04-01 00:00:00.000', period_end: null });
  });

  it('a batch written into the buffer of a longer one before it stores exactly its own rows', async () => {
    const w = await openWriter(store);
    const long = 'x'.repeat(20_000);
    await w.write([0, 1, 2].map((i) => ev({ event_id: `long-${i}`, type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-L${i}`, payload: { long } })));
    // This body fits in the buffer the first insert returned: the bytes after it are stale.
    const short = [ev({ event_id: 'short-0', type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-S0', payload: { s: 1 } })];
    expect(await w.write(short)).toMatchObject({ inserted: 1 });
    const rows = await store.query<{ event_id: string; payload: string }>(sql`SELECT event_id, payload FROM events ORDER BY event_id`);
    expect(rows.map((r) => r.event_id)).toEqual(['long-0', 'long-1', 'long-2', 'short-0']);
    expect(rows[3].payload).toBe('{"s":1}');
  });
});
