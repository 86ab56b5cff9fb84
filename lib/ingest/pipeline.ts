// The one ingest entry point every collector calls: validate ▶ dead-letter the invalid
// ▶ publish the valid onto the bus ▶ answer only once they are durable.

import { validateEvent, type EventValidationError } from '../events/schema';
import { forEachBodyItem, type BodyItem } from '../http/body';
import { ApiError, errors } from '../http/errors';
import { metrics } from '../observability/metrics';
import type { Runtime } from '../runtime';
import { invalidEventLetter, recordDeadLetters, type DeadLetter } from './dead-letters';
import { committedEventIds } from './committed-ids';
import { eventRow, type EventRow, type SourceLine } from './rows';
import { EventTexts } from '../bus/texts';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: EventValidationError[];
}

export interface IngestOptions {
  /** Name of the collector, recorded with dead letters and metrics. */
  collector: string;
  contentType?: string;
  /** Items that failed before validation (e.g. a malformed line of a file), by index. */
  preRejected?: { index: number; errors: string[]; raw: string }[];
}

/**
 * Not async, nor is anything between here and the bus that waits: a validated event is
 * held only by the write buffer, as a compact row (lib/ingest/rows), while its insert runs
 * — an async function's frame keeps its locals alive across every await, used or not
 * (V8; checked with a 2M-object array: 80 MB retained by a dead local).
 */
export function ingestEvents(rt: Runtime, items: unknown[], opts: IngestOptions): Promise<IngestResult> {
  const pre = new Map((opts.preRejected ?? []).map((p) => [p.index, p]));
  return ingestItems(
    rt,
    (visit) =>
      items.forEach((item, index) => {
        const p = pre.get(index);
        visit(p ? { errors: p.errors, raw: p.raw } : { item });
      }),
    opts,
  );
}

/**
 * A request body's items, ingested as they are parsed (lib/http/body forEachBodyItem):
 * with the in-process bus each event becomes its row as soon as it is validated, so no
 * parsed event outlives its own validation. In process, the bench's NDJSON bodies (100k
 * events, 8 requests in flight, 2026-12-01): garbage-collector pauses 5.2 → 3.5 µs per
 * event, process CPU ~7 µs per event less; with reused insert bodies (rows.ts BodyBuffers),
 * three interleaved pairs: process CPU 86–94 → 65–69 µs per event, 17.0–18.1k → 22.3–24.2k
 * events/s.
 */
export function ingestBody(rt: Runtime, body: Buffer | readonly Buffer[], opts: IngestOptions & { contentType: string }): Promise<IngestResult> {
  let batch: ValidatedBatch;
  try {
    batch = validateBatch(rt, (visit) => forEachBodyItem(body, opts.contentType, visit), opts);
  } catch (err) {
    // A body that cannot be parsed at all is still kept, with the reason, for replay.
    const reason = err instanceof Error ? err.message : String(err);
    const raw = (Buffer.isBuffer(body) ? body : Buffer.concat(body)).toString('utf8');
    return recordDeadLetters(rt.store, [{ collector: opts.collector, reason: 'malformed', errors: [reason], raw, content_type: opts.contentType }]).then(() => {
      throw err;
    });
  }
  if (batch.received === 0) return Promise.reject(errors.badRequest('no events in the request body'));
  return deliver(rt, batch, opts.collector);
}

function ingestItems(rt: Runtime, each: (visit: (it: BodyItem) => void) => void, opts: IngestOptions): Promise<IngestResult> {
  try {
    return deliver(rt, validateBatch(rt, each, opts), opts.collector);
  } catch (err) {
    return Promise.reject(err); // as an async function would: callers may only .catch()
  }
}

interface ValidatedBatch {
  received: number;
  /** The valid events as the writer's rows, made as each was validated. */
  rows: EventRow[];
  /** With NATS, the JSON text of each (the bytes of the line it came from, else serialised): what the bus publishes. */
  texts: EventTexts | null;
  receivedAt: string;
  letters: DeadLetter[];
  rejected: EventValidationError[];
}

function validateBatch(rt: Runtime, each: (visit: (it: BodyItem) => void) => void, opts: IngestOptions): ValidatedBatch {
  const { collector, contentType } = opts;
  const receivedAt = new Date().toISOString();
  const rows: EventRow[] = [];
  const texts = rt.bus.kind === 'nats' ? new EventTexts() : null;
  const letters: DeadLetter[] = [];
  const rejected: EventValidationError[] = [];
  let index = 0;
  each((it) => {
    const i = index++;
    if (it.errors) {
      rejected.push({ index: i, errors: it.errors });
      letters.push({ collector, reason: 'malformed', errors: it.errors, raw: it.raw, content_type: contentType });
      return;
    }
    const v = validateEvent(it.item);
    if (v.errors) {
      rejected.push({ index: i, errors: v.errors });
      letters.push(invalidEventLetter(collector, it.item, v.errors, it.line ?? safeStringify(it.item), contentType));
      return;
    }
    // An NDJSON item carries its line's bytes, start and end: a SourceLine as it is (no object per event).
    rows.push(eventRow(v.event, receivedAt, it.bytes ? (it as SourceLine) : undefined));
    // The line as it came (a redelivery validates it again, to the same event).
    if (!texts) return;
    if (it.bytes) texts.addBytes(it.bytes, it.start!, it.end!);
    else texts.addString(it.line ?? JSON.stringify(v.event));
  });
  return { received: index, rows, texts, receivedAt, letters, rejected };
}

function deliver(rt: Runtime, batch: ValidatedBatch, collector: string): Promise<IngestResult> {
  const m = metrics();
  m.eventsReceived.inc(batch.received, { collector });
  const { rejected } = batch;
  const rejectedCount = batch.letters.length;
  const count = batch.rows.length;
  // Dead letters first: a rejected event is durable before the request is answered.
  return recordDeadLetters(rt.store, batch.letters)
    .then(() => m.eventsRejected.inc(rejectedCount, { collector }))
    .then(publisher(rt, batch))
    .then(({ duplicates }) => {
      m.eventsAccepted.inc(count - duplicates, { collector });
      return { accepted: count - duplicates, duplicates, rejected };
    });
}

/**
 * The publish step, in a scope of its own. V8 gives a function one context for every
 * variable any of its closures uses, and each closure keeps the whole context: while
 * deliver()'s answer callback shared a scope with a callback that read the batch, the
 * parsed events and their lines lived until the insert was done, copied by every
 * young-generation collection meanwhile. In process (bench/ingest-profile.ts, 100k events,
 * three interleaved pairs): scavenge pauses 4.6–4.8 → 3.7–3.9 µs per event, process CPU
 * 59.6–60.8 → 54.7–57.6 µs per event. Test: pipeline-retention.test.ts.
 */
function publisher(rt: Runtime, batch: ValidatedBatch): () => Promise<{ duplicates: number }> {
  const { rows, texts, receivedAt } = batch;
  return () => {
    if (rows.length === 0) return Promise.resolve({ duplicates: 0 });
    return (texts ? publishNew(rt, rows, texts, receivedAt) : rt.bus.publishRows(rows, null, { receivedAt })).catch(notStored);
  };
}

/**
 * The bus or the store did not take the events (JetStream without a quorum, ClickHouse
 * down): 503, to be sent again. Events of the request that were stored before the failure
 * are kept and not stored twice: sent again, they are answered as duplicates — or as accepted
 * when the publish sent again was itself retried (JetStream cannot tell the earlier request's
 * copy from a lost acknowledgement of its own first attempt).
 */
function notStored(err: unknown): never {
  if (err instanceof ApiError) throw err;
  const why = err instanceof Error ? err.message : String(err);
  throw errors.unavailable(`the events were not confirmed stored (${why}); send the request again: any of them stored meanwhile are not stored twice`, 2);
}

/**
 * With NATS: the writer dedups exactly; this pre-check lets the answer count events that
 * were committed earlier, or that this process published and are still on their way to
 * the store (the bus only knows repeated messages). A writer in this process
 * gets its answer along with the rows (local handoff), so they are looked up once.
 */
async function publishNew(rt: Runtime, rows: EventRow[], texts: EventTexts, receivedAt: string): Promise<{ duplicates: number }> {
  const seen = new Set<string>();
  const distinct: number[] = [];
  rows.forEach((r, i) => {
    if (seen.has(r.event_id)) return;
    seen.add(r.event_id);
    distinct.push(i);
  });
  // Published by this process and durable in the stream, not yet stored: duplicates too.
  // Taken before the store is asked, so an event stored meanwhile is found in one or the other.
  const held = rt.bus.heldInStream?.(seen);
  if (held && held.size > 0) for (const id of held) seen.delete(id);
  const ids = [...seen];
  if (ids.length === 0) return { duplicates: rows.length };
  // The writer counts its own lookups (its dedup filter spares the IDs it has never seen).
  const check = rt.writer ? await rt.writer.precheck(ids) : await lookUpWithoutWriter(rt, ids);
  const fresh = distinct.filter((i) => seen.has(rows[i].event_id) && !check.committed.has(rows[i].event_id));
  let duplicates = rows.length - fresh.length;
  if (fresh.length > 0) {
    const all = fresh.length === rows.length;
    const r = await rt.bus.publishRows(all ? rows : fresh.map((i) => rows[i]), all ? texts : texts.pick(fresh), { context: check.absent, receivedAt });
    duplicates += r.duplicates;
  }
  return { duplicates };
}

/** A publisher whose writer runs elsewhere (CASHTRACE_INGEST_WORKER=off) looks every ID up. */
async function lookUpWithoutWriter(rt: Runtime, ids: string[]): Promise<{ committed: Set<string>; absent: null }> {
  metrics().idLookups.inc(ids.length, { by: 'precheck' });
  return { committed: await committedEventIds(rt.lookups ?? rt.store, ids), absent: null };
}

/**
 * An item's text for its dead letter. JSON.parse reads any depth, JSON.stringify (and
 * String) recurse: an item nested past the stack (thousands of levels) cannot be written
 * back, so its letter says so instead of the request failing with a stack overflow.
 */
function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch (err) {
    return `(this ${Array.isArray(v) ? 'array' : typeof v} could not be written back as JSON: ${err instanceof Error ? err.message : String(err)})`;
  }
}
