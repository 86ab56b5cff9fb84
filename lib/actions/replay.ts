// Replay of a dead letter: its raw input re-runs through the ingest pipeline, optionally
// with fields merged in first (an edited mapping). Items still invalid are dead-lettered
// again by the pipeline, with the new errors. A letter whose record's event of its type was
// stored after it under another event ID (its source sent it again corrected, under a new
// ID) is not replayed unless forced: it would most likely store the same event twice. Of a
// type one record carries more than once (another dispute, another sync run), only its
// record's event of its type at the letter's business time counts (sql/080).

import { z } from 'zod';
import { sql, param } from '../clickhouse/sql';
import { ingestEvents } from '../ingest/pipeline';
import { parseEventList } from '../http/body';
import type { Runtime } from '../runtime';
import { chIso } from '../queries/ch-columns';
import { LETTER_KEY_SQL, letterKeyColumns, storedUnderAnotherId } from '../queries/get-dead-letters';
import { isRecurring } from '../events/catalogue';

const letterSchema = z.object({ letter_id: z.string(), collector: z.string(), content_type: z.string(), raw: z.string(), event_id: z.string(), received_at: chIso, ...letterKeyColumns });

export interface ReplayOutcome {
  ok: boolean;
  detail: string;
}

function merge(item: unknown, mapping: Record<string, unknown> | undefined): unknown {
  if (!mapping || typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const base = item as Record<string, unknown>;
  const out: Record<string, unknown> = { ...base, ...mapping };
  // attributes merge key by key, so a mapping can add one attribute without restating the rest
  if (isObject(base.attributes) && isObject(mapping.attributes)) out.attributes = { ...base.attributes, ...mapping.attributes };
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function deadLetterExists(rt: Runtime, id: string): Promise<boolean> {
  const rows = await rt.store.query(sql`SELECT count() AS n FROM dead_letters WHERE id = toUUID(${param('String', id)})`, z.object({ n: z.coerce.number() }));
  return rows[0].n > 0;
}

export async function replayDeadLetter(rt: Runtime, id: string, mapping?: Record<string, unknown>, opts: { force?: boolean } = {}): Promise<ReplayOutcome> {
  const rows = await rt.store.query(
    sql`SELECT toString(id) AS letter_id, collector, content_type, raw, event_id, received_at, ${LETTER_KEY_SQL}
      FROM dead_letters WHERE id = toUUID(${param('String', id)}) LIMIT 1`,
    letterSchema,
  );
  const letter = rows[0];
  if (!letter) return { ok: false, detail: 'dead letter not found (expired or never existed)' };
  if (!opts.force) {
    const other = await storedUnderAnotherId(rt.store, { ...letter, id: letter.letter_id });
    if (other) {
      return {
        ok: false,
        detail: `not replayed: ${letter.entity_key}'s ${letter.event_type}${isRecurring(letter.event_type) && letter.occurred_at ? ` of ${letter.occurred_at}` : ''} was stored after this letter under event ID ${other}, most likely this event sent again corrected; a replay would store it a second time (force it if it is another event)`,
      };
    }
  }
  let items: unknown[];
  try {
    const parsed = parseEventList(Buffer.from(letter.raw, 'utf8'), letter.content_type || 'application/json');
    if (parsed.parseErrors.length) return { ok: false, detail: `still malformed: ${parsed.parseErrors[0].errors.join('; ')}` };
    items = parsed.items;
  } catch (err) {
    return { ok: false, detail: `still malformed: ${err instanceof Error ? err.message : String(err)}` };
  }
  const r = await ingestEvents(rt, items.map((i) => merge(i, mapping)), { collector: `replay:${letter.collector}` });
  if (r.rejected.length > 0) return { ok: false, detail: `still invalid: ${r.rejected.flatMap((x) => x.errors).slice(0, 5).join('; ')}` };
  return { ok: true, detail: `replayed ${items.length} item(s): ${r.accepted} accepted, ${r.duplicates} already present` };
}
