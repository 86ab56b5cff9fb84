// Integration: a small backfill through the real ingest pipeline into a real chDB store.
// Deals must stitch: every invoice lands on its opportunity's deal, duplicates count once,
// out-of-order events join their deal when the parent arrives.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../lib/clickhouse/sql';
import { removeTempDir, tempDir } from '../../lib/testing/temp-dir';
import type { Runtime } from '../../lib/runtime';
import { DEFECT_FIELD, isDelivery, keyOf } from './emit';
import { replayDeadLetter } from '../../lib/actions/replay';
import { backfillPlan, dealsWonByNow, generateDeals, openingBook, type SimOptions } from './generate';
import { pipelineSink } from './pipeline-sink';
import { Progress, runBackfill } from './runner';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const O: SimOptions = { seed: 3, deals: 120, days: 80, now: NOW };
let rt: Runtime;
let dir = '';

beforeAll(async () => {
  dir = tempDir('cashtrace-sim-');
  process.env.CASHTRACE_DATA_DIR = dir;
  process.env.CASHTRACE_INGEST_TOKEN = 'sim-test-token-0123456789';
  const { resetEnvForTests } = await import('../../lib/env');
  resetEnvForTests();
  const { createRuntime } = await import('../../lib/runtime');
  rt = await createRuntime({ dataDir: dir, natsUrl: null, worker: true });
});
afterAll(async () => {
  await rt?.shutdown();
  await rt?.store.close();
  if (dir) removeTempDir(dir);
});

describe('simulator backfill into the pipeline', () => {
  it('stores every due event once and stitches each deal under its opportunity', async () => {
    const progress = new Progress(() => undefined);
    const { held } = await runBackfill(O, pipelineSink(rt), progress, { batchSize: 700, concurrency: 2 });
    const plan = backfillPlan(O);
    const malformed = plan.due.filter((s) => s.malformed);
    const distinct = new Set(plan.due.filter((s) => !s.malformed).map((s) => s.event.event_id));
    expect(held.size).toBe(plan.held.length);
    expect(malformed.length).toBeGreaterThan(0);
    expect(progress.rejected).toBe(malformed.length);
    expect(progress.accepted).toBe(distinct.size);
    expect(progress.duplicates).toBe(plan.due.length - malformed.length - distinct.size);
    expect(progress.duplicates).toBeGreaterThan(0);

    const rows = await rt.store.query<{ c: string }>(sql`SELECT count() AS c FROM events`);
    expect(Number(rows[0].c)).toBe(distinct.size);

    // Where each record's event landed.
    const stored = await rt.store.query<{ entity_key: string; type: string; correlation_id: string }>(
      sql`SELECT entity_key, toString(type) AS type, correlation_id FROM events WHERE type IN ('opportunity.won', 'invoice.issued', 'payment.received', 'cash.applied')`,
    );
    const corr = new Map(stored.map((r) => [`${r.type} ${r.entity_key}`, r.correlation_id]));
    const dueIds = new Set(plan.due.filter(isDelivery).map((s) => s.event.event_id));
    let invoices = 0;
    let payments = 0;
    for (const deal of generateDeals(O)) {
      const delivered = deal.events.filter((s) => dueIds.has(s.event.event_id) && isDelivery(s)).map((s) => s.event);
      const has = (type: string) => delivered.some((e) => e.type === type);
      if (!has('opportunity.won')) continue;
      expect(corr.get(`opportunity.won ${deal.correlationId}`)).toBe(deal.correlationId);
      // An invoice refers to the sales order, which refers to the opportunity.
      if (!has('order.created')) continue;
      for (const inv of delivered.filter((e) => e.type === 'invoice.issued')) {
        const c = corr.get(`invoice.issued ${keyOf(inv)}`);
        expect(c, keyOf(inv)).not.toBe('');
        expect(c).toBe(deal.correlationId);
        invoices++;
      }
      for (const p of delivered.filter((e) => e.type === 'payment.received' || e.type === 'cash.applied')) {
        const invKey = p.refs.find((r) => r.startsWith('erp:invoice:'))!;
        if (!delivered.some((e) => e.type === 'invoice.issued' && keyOf(e) === invKey)) continue;
        expect(corr.get(`${p.type} ${keyOf(p)}`)).toBe(deal.correlationId);
        payments++;
      }
    }
    expect(invoices).toBeGreaterThan(20);
    expect(payments).toBeGreaterThan(5);

    // Orphans remain only where a parent is still held back (delivered after "now").
    const orphans = await rt.store.query<{ c: string }>(sql`SELECT count() AS c FROM events WHERE correlation_id = ''`);
    expect(Number(orphans[0].c)).toBeLessThan(distinct.size * 0.01);
  });

  it('dead-letters each malformed delivery with its event ID and the broken field; a replay mapping that field stores it on its deal, unless its source sent it again under a new event ID', async () => {
    const plan = backfillPlan(O);
    const malformed = plan.due.filter((s) => s.malformed);
    const letters = await rt.store.query<{ id: string; event_id: string; errors: string[] }>(sql`SELECT toString(id) AS id, event_id, errors FROM dead_letters ORDER BY received_at, id`);
    expect(letters.map((l) => l.event_id).sort()).toEqual(malformed.map((s) => s.event.event_id).sort());
    // each received when the simulated source sent it, as its events are (not when the backfill ran)
    const receipts = await rt.store.query<{ event_id: string; at: string }>(sql`SELECT event_id, toString(received_at) AS at FROM dead_letters`);
    expect(Object.fromEntries(receipts.map((l) => [l.event_id, `${l.at.replace(' ', 'T')}Z`]))).toEqual(Object.fromEntries(malformed.map((s) => [s.event.event_id, s.event.received_at])));
    const stored = async (id: string) => Number((await rt.store.query<{ c: string }>(sql`SELECT count() AS c FROM events WHERE event_id = ${id}`))[0].c);
    // one the source never sent again: not stored until IT replays it with the field mapped
    const waiting = malformed.find((s) => !s.resentAs && !plan.due.some((d) => isDelivery(d) && d.event.event_id === s.event.event_id))!;
    expect(waiting).toBeDefined();
    const field = DEFECT_FIELD[waiting.malformed!];
    const letter = letters.find((l) => l.event_id === waiting.event.event_id)!;
    expect(letter.errors.map((e) => e.split(':')[0])).toEqual([field]);
    expect(await stored(waiting.event.event_id)).toBe(0);
    expect((await replayDeadLetter(rt, letter.id)).ok).toBe(false);
    const r = await replayDeadLetter(rt, letter.id, { [field]: waiting.event[field] });
    expect(r).toMatchObject({ ok: true });
    expect(await stored(waiting.event.event_id)).toBe(1);
    // one its source sent again corrected under a new event ID: stored under that ID, the
    // letter stored since by its record and type, and its replay refused (it would store the
    // event twice)
    const dueIds = new Set(plan.due.filter(isDelivery).map((d) => d.event.event_id));
    const rehashed = malformed.find((s) => s.resentAs && dueIds.has(s.resentAs))!;
    expect(rehashed).toBeDefined();
    expect([await stored(rehashed.event.event_id), await stored(rehashed.resentAs!)]).toEqual([0, 1]);
    const rfield = DEFECT_FIELD[rehashed.malformed!];
    const refused = await replayDeadLetter(rt, letters.find((l) => l.event_id === rehashed.event.event_id)!.id, { [rfield]: rehashed.event[rfield] });
    expect(refused).toMatchObject({ ok: false, detail: expect.stringContaining(`was stored after this letter under event ID ${rehashed.resentAs}`) });
    expect(await stored(rehashed.event.event_id)).toBe(0);
    const deal = [...openingBook(O), ...generateDeals(O), ...dealsWonByNow(O)].find((d) => d.events.some((se) => se.event.event_id === waiting.event.event_id))!;
    await expect.poll(async () => (await rt.store.query<{ c: string }>(sql`SELECT correlation_id AS c FROM events WHERE event_id = ${waiting.event.event_id}`))[0]?.c).toBe(deal.correlationId);
  });
});
