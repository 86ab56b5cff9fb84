// The one ingest entry point every collector calls: validate ▶ dead-letter the invalid
// ▶ publish the valid onto the bus ▶ answer only once they are durable.

import { validateEvents, type CanonicalEvent, type EventValidationError } from '../events/schema';
import { metrics } from '../observability/metrics';
import type { Runtime } from '../runtime';
import { recordDeadLetters, type DeadLetter } from './dead-letters';
import { committedEventIds } from './writer';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: EventValidationError[];
}

export interface IngestOptions {
  /** Name of the collector, recorded with dead letters and metrics. */
  collector: string;
  contentType?: string;
  /** Items that failed before validation (e.g. a malformed NDJSON line), by index. */
  preRejected?: { index: number; errors: string[]; raw: string }[];
}

export async function ingestEvents(rt: Runtime, items: unknown[], opts: IngestOptions): Promise<IngestResult> {
  const pre = new Map((opts.preRejected ?? []).map((p) => [p.index, p]));
  const candidates: { index: number; item: unknown }[] = [];
  items.forEach((item, index) => {
    if (!pre.has(index)) candidates.push({ index, item });
  });
  const { valid, rejected } = validateEvents(candidates.map((c) => c.item));
  const rejectedOut: EventValidationError[] = [
    ...[...pre.values()].map((p) => ({ index: p.index, errors: p.errors })),
    ...rejected.map((r) => ({ index: candidates[r.index].index, errors: r.errors })),
  ].sort((a, b) => a.index - b.index);

  const letters: DeadLetter[] = [
    ...[...pre.values()].map((p) => ({ collector: opts.collector, reason: 'malformed', errors: p.errors, raw: p.raw, content_type: opts.contentType })),
    ...rejected.map((r) => {
      const item = candidates[r.index].item;
      const eventId = typeof item === 'object' && item && 'event_id' in item ? String((item as { event_id: unknown }).event_id) : undefined;
      return { collector: opts.collector, reason: 'invalid_event', errors: r.errors, raw: safeStringify(item), event_id: eventId, content_type: opts.contentType };
    }),
  ];
  const m = metrics();
  m.eventsReceived.inc(items.length, { collector: opts.collector });
  // Dead letters first: a rejected event is durable before the request is answered.
  await recordDeadLetters(rt.store, letters);
  m.eventsRejected.inc(letters.length, { collector: opts.collector });

  const events: CanonicalEvent[] = valid.map((v) => v.event);
  let duplicates = 0;
  if (events.length > 0) {
    let toPublish = events;
    let context: unknown;
    if (rt.bus.kind === 'nats') {
      // The writer dedups exactly; this pre-check lets the answer count events that were
      // committed earlier (the bus only knows repeated messages). A writer in this process
      // gets its answer along with the events (local handoff), so they are looked up once.
      const seen = new Set<string>();
      const distinct: CanonicalEvent[] = [];
      for (const e of events) {
        if (seen.has(e.event_id)) continue;
        seen.add(e.event_id);
        distinct.push(e);
      }
      const ids = [...seen];
      m.idLookups.inc(ids.length, { by: 'precheck' });
      const check = rt.writer ? await rt.writer.precheck(ids) : { committed: await committedEventIds(rt.lookups ?? rt.store, ids), absent: null };
      const committed = check.committed;
      context = check.absent;
      toPublish = committed.size === 0 ? distinct : distinct.filter((e) => !committed.has(e.event_id));
      duplicates += events.length - toPublish.length;
    }
    if (toPublish.length > 0) {
      const r = await rt.bus.publishEvents(toPublish, { context });
      duplicates += r.duplicates;
    }
  }
  m.eventsAccepted.inc(events.length - duplicates, { collector: opts.collector });
  return { accepted: events.length - duplicates, duplicates, rejected: rejectedOut };
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
