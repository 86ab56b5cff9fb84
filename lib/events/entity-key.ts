// Entity keys `source:entity_type:id` (DOMAIN.md §2): how every record is named.

import { z } from 'zod';
import { SOURCES } from './catalogue';

const KEY_RE = /^([a-z]+):([a-z][a-z0-9_]{0,63}):(.+)$/;

export function entityKey(source: string, entityType: string, entityId: string): string {
  return `${source}:${entityType}:${entityId}`;
}

export function parseEntityKey(key: string): { source: string; entity_type: string; entity_id: string } | null {
  const m = KEY_RE.exec(key);
  if (!m) return null;
  return { source: m[1], entity_type: m[2], entity_id: m[3] };
}

/** No control characters (hostile IDs are stored verbatim but must stay printable). */
// eslint-disable-next-line no-control-regex
export const PRINTABLE = /^[^\u0000-\u001f\u007f]+$/;

/** Middleware-stamped correlation IDs join the graph as keys of this pseudo-source. */
export const CORRELATION_PREFIX = 'corr:deal:';

/** KEY_RE without its captures, and the prefixes of known sources: checked per ref of every event, without a match object and three substrings. */
const KEY_SHAPE = /^[a-z]+:[a-z][a-z0-9_]{0,63}:.+$/;
const SOURCE_PREFIXES = SOURCES.map((s) => `${s}:`);

/** An entity key of a known source, or a stamped correlation ID's key (control characters aside: PRINTABLE). */
export function isKnownEntityKey(k: string): boolean {
  return KEY_SHAPE.test(k) && (SOURCE_PREFIXES.some((p) => k.startsWith(p)) || k.startsWith(CORRELATION_PREFIX));
}

export const entityKeySchema = z
  .string()
  .max(300)
  .regex(PRINTABLE, 'must not contain control characters')
  .refine(isKnownEntityKey, 'must be an entity key source:entity_type:id with a known source');

const MAX_NAMED_REFS = 10;

/**
 * The record key (source:entity_type:entity_id) and refs an input names when it is one event
 * object, valid or not: what a dead letter is about. Null and [] for anything else.
 */
export function keysNamedBy(v: unknown): { record: string | null; refs: string[] } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { record: null, refs: [] };
  const o = v as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  const key = entityKey(str(o.source), str(o.entity_type), str(o.entity_id));
  const refs = Array.isArray(o.refs) ? o.refs.filter((r): r is string => typeof r === 'string' && r.length <= 300 && isKnownEntityKey(r)).slice(0, MAX_NAMED_REFS) : [];
  return { record: key.length <= 300 && isKnownEntityKey(key) ? key : null, refs };
}
