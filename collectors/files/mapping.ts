// The declared mapping of a legacy batch file (CSV or JSONL) onto canonical events:
// constants for source/type/entity type, a column for each canonical field, refs built
// from columns, attributes from columns. Sent with the upload (header or query).

import { z } from 'zod';
import { SOURCES } from '@/lib/events/catalogue';
import type { CanonicalEventInput } from '@/lib/events/schema';
import { entityKey } from '@/lib/events/entity-key';
import { catalogueTypeOf } from '../shared/catalogue-type';
import { isoTime, num, stableId, str } from '../shared/ids';

const column = z.string().min(1).max(200);

export const fileMappingSchema = z.object({
  source: z.enum(SOURCES),
  source_instance: z.string().max(100).optional(),
  /** A catalogue type for every row, or `type_column` naming the column that holds it. */
  type: z.string().optional(),
  type_column: column.optional(),
  entity_type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  columns: z.object({
    entity_id: column,
    occurred_at: column,
    event_id: column.optional(),
    amount: column.optional(),
    currency: column.optional(),
    status: column.optional(),
    due_at: column.optional(),
    period_end: column.optional(),
    correlation_id: column.optional(),
  }),
  /** Each ref: the column holding the id (several ids split on `separator`) and the key's source and type. */
  refs: z.array(z.object({ column, source: z.enum(SOURCES), entity_type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), separator: z.string().max(3).optional() })).max(20).default([]),
  attributes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), column).default({}),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
}).refine((m) => m.type || m.type_column, 'type or type_column is required');

export type FileMapping = z.infer<typeof fileMappingSchema>;

export function mapRow(row: Record<string, unknown>, m: FileMapping, fileName: string): CanonicalEventInput {
  const get = (col?: string) => (col === undefined ? undefined : row[col]);
  const entityId = str(get(m.columns.entity_id)).trim();
  if (!entityId) throw new Error(`column "${m.columns.entity_id}" (entity id) is empty`);
  const occurred = isoTime(get(m.columns.occurred_at));
  if (!occurred) throw new Error(`column "${m.columns.occurred_at}" is not a date: ${JSON.stringify(get(m.columns.occurred_at) ?? null)}`);
  const typeName = m.type_column ? str(get(m.type_column)) : (m.type ?? '');
  const type = catalogueTypeOf(typeName);
  const amountRaw = get(m.columns.amount);
  const amount = amountRaw === undefined || amountRaw === '' ? null : num(typeof amountRaw === 'string' ? amountRaw.replace(/[, ]/g, '') : amountRaw);
  if (amountRaw !== undefined && amountRaw !== '' && amount === null) throw new Error(`column "${m.columns.amount}" is not a number: ${JSON.stringify(amountRaw)}`);
  const refs: string[] = [];
  for (const r of m.refs) {
    for (const id of str(get(r.column)).split(r.separator ?? ';').map((s) => s.trim()).filter(Boolean)) refs.push(entityKey(r.source, r.entity_type, id));
  }
  const attributes: Record<string, string> = {};
  for (const [attr, col] of Object.entries(m.attributes)) if (str(get(col))) attributes[attr] = str(get(col));
  if (type === 'unmapped') attributes.native_type = typeName.slice(0, 200);
  return {
    event_id: str(get(m.columns.event_id)) || stableId('file', m.source, typeName, m.entity_type, entityId, row),
    source: m.source,
    source_instance: m.source_instance ?? `file:${fileName}`.slice(0, 100),
    type,
    occurred_at: occurred,
    entity_type: m.entity_type,
    entity_id: entityId,
    refs,
    amount,
    currency: (str(get(m.columns.currency)) || m.currency || '').toUpperCase(),
    status: str(get(m.columns.status)),
    due_at: m.columns.due_at && str(get(m.columns.due_at)) ? isoTime(get(m.columns.due_at)) : null,
    period_end: m.columns.period_end && str(get(m.columns.period_end)) ? isoTime(get(m.columns.period_end)) : null,
    correlation_id: str(get(m.columns.correlation_id)),
    attributes,
    payload: row,
  };
}
