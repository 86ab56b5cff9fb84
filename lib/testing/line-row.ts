// Test and bench helper: an NDJSON line made the writer's row as the ingest route makes it
// (lib/ingest/pipeline): parsed, validated, and its bytes handed along as its SourceLine.

import { validateEvent, type CanonicalEvent } from '../events/schema';
import { eventRow, type EventRow } from '../ingest/rows';

export function rowFromLine(text: string, receivedAt: string): { event: CanonicalEvent; row: EventRow } {
  const item: unknown = JSON.parse(text);
  const v = validateEvent(item);
  if (v.errors) throw new Error(`not a valid event (${v.errors.join('; ')}): ${text.slice(0, 200)}`);
  const bytes = Buffer.from(text);
  return { event: v.event, row: eventRow(v.event, receivedAt, { item, bytes, start: 0, end: bytes.length }) };
}
