// sql/078: the dead letters written before 011 get the record their invalid event named, by
// the same rule the ingest applies at insert (keysNamedBy), on a store that was created (and
// given letters) before 011 and merged since (the old parts hold '' for the column then).

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStore, type Store } from './client';
import { listMigrations, migrationsDir, runMigrations } from './migrate';
import { sql } from './sql';
import { chTime } from '../ingest/rows';
import { invalidEventLetter, recordDeadLetters } from '../ingest/dead-letters';
import { keysNamedBy } from '../events/entity-key';
import { SOURCES } from '../events/catalogue';
import { removeTempDir, tempDir } from '../testing/temp-dir';

const BACKFILL = '078_dead_letters_entity_key_backfill.sql';
/** The dead letters' columns came after the numbers around them: a store before them has every other migration. */
const LETTER_COLUMNS = ['011_dead_letters_entity_key.sql', '012_dead_letters_event_type.sql'];

const item = (source: unknown, entityType: unknown, entityId: unknown) => ({
  event_id: 'evt_bad', type: 'invoice.issued', source, entity_type: entityType, entity_id: entityId,
});
/** An entity ID that makes erp:invoice:<id> exactly `units` UTF-16 units long, an emoji (two units) in it. */
const idOfKeyLength = (units: number) => '😀' + 'x'.repeat(units - 'erp:invoice:'.length - 2);

/** The rejected inputs: what a known key is and is not, hostile strings, inputs that are no object. */
const RAW: string[] = [
  ...SOURCES.map((s) => JSON.stringify(item(s, 'invoice', `INV-${s}`))),
  JSON.stringify(item('corr', 'deal', 'd-1')),
  JSON.stringify(item('corr', 'opportunity', 'd-1')),
  JSON.stringify(item('sap', 'invoice', 'INV-1')),
  JSON.stringify(item('ERP', 'invoice', 'INV-1')),
  JSON.stringify(item(7, 'invoice', 'INV-1')),
  JSON.stringify(item('erp', 'Invoice', 'INV-1')),
  JSON.stringify(item('erp', 'i'.repeat(64), 'INV-1')),
  JSON.stringify(item('erp', 'i'.repeat(65), 'INV-1')),
  JSON.stringify(item('erp', '9invoice', 'INV-1')),
  JSON.stringify(item('erp', 'invoice', '')),
  JSON.stringify(item('erp', 'invoice', 42)),
  JSON.stringify(item('erp', 'invoice', { id: 'INV-1' })),
  JSON.stringify(item('erp', 'invoice', null)),
  JSON.stringify({ event_id: 'evt_bad', source: 'erp', entity_type: 'invoice' }),
  JSON.stringify(item('erp', 'invoice', 'INV:2026:1')),
  JSON.stringify(item('erp', 'invoice', "INV-1'); DROP TABLE events; --")),
  JSON.stringify(item('erp', 'invoice', 'INV-\t1')),
  JSON.stringify(item('erp', 'invoice', 'INV-\n1')),
  JSON.stringify(item('erp', 'invoice', 'INV-\r1')),
  JSON.stringify(item('erp', 'invoice', 'INV-\u20281')),
  JSON.stringify(item('erp', 'invoice', 'INV-\u20291')),
  JSON.stringify(item('erp', 'invoice', 'Rechnung-Ä-請求書-😀')),
  JSON.stringify(item('erp', 'invoice', idOfKeyLength(300))),
  JSON.stringify(item('erp', 'invoice', idOfKeyLength(301))),
  '{"event_id":"evt_bad","source":"erp","entity_type":"invoice","entity_id":"INV-\\u00e9\\u2028"}',
  JSON.stringify([item('erp', 'invoice', 'INV-1')]),
  '{"source":"erp","entity_type":"invoice","entity_id":"INV-1"',
  'not json at all',
];
/** What the ingest would have named: the rule every letter since 011 is written with. */
const expected = (raw: string) => {
  try {
    return keysNamedBy(JSON.parse(raw)).record ?? '';
  } catch {
    return '';
  }
};

let store: Store;
let dir: string;
const letters = () =>
  store.query(sql`SELECT collector, reason, raw, entity_key FROM dead_letters ORDER BY collector, raw`, z.object({ collector: z.string(), reason: z.string(), raw: z.string(), entity_key: z.string() }));

beforeAll(async () => {
  // A store as it was before 011, with letters then; 011 and 012 applied, not yet the
  // backfill, and the parts merged (the old letters' column now holds '').
  dir = tempDir();
  const without = (names: string[]) => {
    const d = path.join(dir, `sql-${names.length}`);
    fs.mkdirSync(d);
    for (const m of listMigrations()) if (!names.includes(m.name)) fs.writeFileSync(path.join(d, m.name), m.text);
    return d;
  };
  store = await createStore({ dataDir: path.join(dir, 'data'), migrate: false });
  await runMigrations(store, without([...LETTER_COLUMNS, BACKFILL]));
  const now = chTime(new Date().toISOString());
  const old = (raw: string, reason: string) => JSON.stringify({ received_at: now, collector: `old-${reason}`, reason, errors: ['bad'], event_id: 'evt_bad', content_type: '', raw });
  await store.insertJsonEachRow('dead_letters', [...RAW.map((r) => old(r, 'invalid_event')), old(RAW[0], 'malformed')].join('\n'));
  await runMigrations(store, without([BACKFILL]));
  // Since 011 the ingest names the record itself: one letter with its record, one without.
  await recordDeadLetters(store, [
    invalidEventLetter('new', item('crm', 'opportunity', 'OPP-7'), ['bad'], JSON.stringify(item('crm', 'opportunity', 'OPP-7'))),
    invalidEventLetter('new', item('sap', 'invoice', 'INV-1'), ['bad'], JSON.stringify(item('sap', 'invoice', 'INV-1'))),
  ]);
  await store.command(sql`OPTIMIZE TABLE dead_letters FINAL`);
});
afterAll(async () => {
  await store?.close();
  if (dir) removeTempDir(dir);
});

describe('078 dead letters entity key backfill', () => {
  it('names the record of each letter from before 011 as the ingest names it now, and leaves the others', async () => {
    const before = await letters();
    expect(before.filter((l) => l.collector.startsWith('old-') && l.entity_key !== '')).toEqual([]);
    // The inputs cover both outcomes, so the comparison below can fail either way.
    const named = RAW.filter((r) => expected(r) !== '');
    expect(named.length).toBeGreaterThan(SOURCES.length + 3);
    expect(RAW.length - named.length).toBeGreaterThan(15);

    expect(await runMigrations(store, migrationsDir())).toContain(BACKFILL);
    const after = await letters();
    for (const l of after.filter((x) => x.collector === 'old-invalid_event')) expect({ raw: l.raw, entity_key: l.entity_key }).toEqual({ raw: l.raw, entity_key: expected(l.raw) });
    expect(after.filter((l) => l.collector === 'old-invalid_event')).toHaveLength(RAW.length);
    // Another reason's letter names no record, as the ingest names none for it.
    expect(after.find((l) => l.collector === 'old-malformed')?.entity_key).toBe('');
    // The letters written since 011 keep what the ingest named.
    expect(after.filter((l) => l.collector === 'new').map((l) => l.entity_key).sort()).toEqual(['', 'crm:opportunity:OPP-7']);
  });
});
