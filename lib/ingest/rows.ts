// Canonical event ▶ the writer's JSONEachRow line (into `events_in`, sql/076, whose view
// writes `events`), made once.
//
// An event becomes an EventRow as it enters the write buffer: the row's JSON (all but the
// deal's correlation ID, which stitching decides later) as bytes in an off-heap slab, and the few
// fields stitching and dedup read, so a batch waiting for its insert holds four fields and
// a byte range per event instead of the event's object graph or a ~1 KB string. (In
// process, bench/ingest-profile, 2026-12-01: with the JSON as strings, main-thread
// scavenges took 3.0–3.1 µs per event embedded; in slabs, 1.5–2.1.)

import type { Store } from '../clickhouse/client';
import type { CanonicalEvent } from '../events/schema';
import { metrics } from '../observability/metrics';
import { isUtf8 } from 'node:buffer';
import { entityKey } from '../events/entity-key';

/** ClickHouse's basic DateTime64 text form (parsed without best_effort settings). */
export function chTime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

export function eventEntityKey(e: Pick<CanonicalEvent, 'source' | 'entity_type' | 'entity_id'>): string {
  return entityKey(e.source, e.entity_type, e.entity_id);
}

/** What the ingest writer keeps of an event: what dedup and stitching read, and the row. */
export interface EventRow {
  readonly event_id: string;
  readonly entity_key: string;
  readonly refs: readonly string[];
  /** The correlation ID the source stamped on the event ('' when none). */
  readonly stamped_correlation_id: string;
  /**
   * The row as a JSON object without the deal (`{"received_default":…}`, see eventRow), as UTF-8:
   * bytes [start, end) of a slab, off the JavaScript heap (see RowSlabs). Null once the
   * row's insert body was written (releaseRows): nothing reads it after that.
   */
  readonly slab: Slab | null;
  readonly start: number;
  readonly end: number;
}

export function isEventRow(e: CanonicalEvent | EventRow): e is EventRow {
  return (e as EventRow).start !== undefined;
}

function slabOf(row: EventRow): Buffer {
  if (!row.slab) throw new Error(`the row of event ${row.event_id} was already written (its bytes are released)`);
  return row.slab.buf;
}

/** The row's JSON text (tests, one-off rows). */
export function rowJson(row: EventRow): string {
  return slabOf(row).toString('utf8', row.start, row.end);
}

/** The row's size as JSON (bytes). */
export function rowSize(row: EventRow): number {
  return row.end - row.start;
}

interface Slab {
  readonly buf: Buffer;
  /** Rows made in it and not yet released. */
  live: number;
}

/**
 * Where rows' JSON is written as they are made: slabs of off-heap memory, each row a byte
 * range of one. A batch's rows live until their insert body is written — long enough that,
 * kept as strings (~1 KB each), every young-generation collection meanwhile copied them
 * and then promoted them into the old generation, to be marked and swept there. A slab
 * whose rows are all released is reused (fresh slabs would be external memory the
 * collector answers with full collections); one with a row never released (dropped as a
 * duplicate before the writer, say) is simply freed with its last row.
 */
class RowSlabs {
  private current: Slab | null = null;
  private at = 0;
  private free: Slab[] | null = null;

  constructor(
    private readonly size: number,
    private readonly keep: number,
  ) {}

  /**
   * Writes `head` (an object's opening: `{` and keys, no trailing comma) joined to another
   * object's JSON — `rest`, or its bytes [from, to) — whose opening brace becomes the comma
   * between them: one JSON object, with no string concatenated first.
   */
  put(head: string, rest: string | Buffer, from = 0, to = rest.length): { slab: Slab; start: number; end: number } {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = head.length * 3 + (typeof rest === 'string' ? rest.length * 3 : to - from);
    let slab = this.current;
    if (!slab || slab.buf.length - this.at < most) {
      if (slab && slab.live === 0) this.recycle(slab);
      slab = (most <= this.size && this.pool().pop()) || { buf: Buffer.allocUnsafeSlow(Math.max(this.size, most)), live: 0 };
      this.current = slab;
      this.at = 0;
    }
    const buf = slab.buf;
    const start = this.at;
    let at = start + buf.write(head, start, 'utf8');
    const brace = at;
    at += typeof rest === 'string' ? buf.write(rest, at, 'utf8') : rest.copy(buf, at, from, to);
    buf[brace] = 44; // the object's '{' ▶ ','
    this.at = at;
    slab.live++;
    return { slab, start, end: at };
  }

  release(rows: readonly EventRow[]): void {
    for (const row of rows) {
      const slab = row.slab;
      if (!slab) continue;
      (row as { slab: Slab | null }).slab = null;
      if (--slab.live === 0 && slab !== this.current) this.recycle(slab);
    }
  }

  private recycle(slab: Slab): void {
    const free = this.pool();
    if (slab.buf.length === this.size && free.length < this.keep) free.push(slab);
  }

  /**
   * The free slabs: at first use, `keep` slabs carved from one allocation — growing in
   * slabs of their own was external memory the collector answered with full collections
   * (in process: 2–6 more per 100k events). Pages are only committed as rows are written.
   */
  private pool(): Slab[] {
    if (!this.free) {
      const region = Buffer.allocUnsafeSlow(this.size * this.keep);
      this.free = [];
      for (let i = this.keep - 1; i >= 0; i--) this.free.push({ buf: region.subarray(i * this.size, (i + 1) * this.size), live: 0 });
    }
    return this.free;
  }
}

/** 1 MB slabs; up to 64 kept for reuse (the write buffer holds up to 128 MB of rows). */
const slabs = new RowSlabs(1024 * 1024, 64);

/** The rows' bytes are no longer needed (their insert body is written): their slabs may be reused. */
export function releaseRows(rows: readonly EventRow[]): void {
  slabs.release(rows);
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The keys the writer's form puts before an event's own (see eventRow and rowsBody): an
 * event that has one of them itself goes re-serialised, without it.
 */
const ADDED_KEYS = ['deal_correlation_id', 'received_default', 'entity_key', 'amount_value'] as const;

/** An event's NDJSON line: the parsed item and its exact bytes, [start, end) of `bytes`. */
export interface SourceLine {
  readonly item: unknown;
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
}

/**
 * Whether the line, as sent, reads in the engine as the validated event: an object
 * (`{` first) in valid UTF-8 (JavaScript decoded any invalid byte as U+FFFD, the engine
 * would keep it), whose timestamps are already in their normal form (validation may have
 * rewritten them; nothing else it returns differs from the input but defaults, which are
 * the columns' own) and which has none of the writer's own keys. Amounts go in front (as
 * validated: a number's text may round differently as a decimal than as a JavaScript
 * number), unknown keys are skipped by the engine, keys held twice fail the insert (see
 * insertEventRows).
 */
function sentAsValidated(e: CanonicalEvent, line: SourceLine): boolean {
  const { item, bytes, start, end } = line;
  if (bytes[start] !== 0x7b || !isUtf8(bytes.subarray(start, end))) return false;
  const o = item as Record<string, unknown>;
  for (const k of ADDED_KEYS) if (hasOwn.call(o, k)) return false;
  return (
    o.occurred_at === e.occurred_at &&
    (o.received_at === undefined || o.received_at === e.received_at) &&
    (o.due_at == null || o.due_at === e.due_at) &&
    (o.period_end == null || o.period_end === e.period_end)
  );
}

/**
 * An event as the writer inserts it into `events_in` (sql/076: its view writes `events`):
 * the event's canonical JSON behind what Cashtrace adds — when it was received (for events
 * that do not say), its entity key and its amount as validated; rowsBody puts the deal in
 * front of that. The canonical JSON is the line as sent when it reads as the validated
 * event (`line`, see sentAsValidated): copied, not parsed and serialised again; else the
 * validated event serialised. The payload goes as JSON either way, object or not: the
 * engine stores the text of a JSON value read into a String column (JSON_VALUES_AS_TEXT
 * in lib/clickhouse/client) — as sent, when the line is copied.
 */
export function eventRow(e: CanonicalEvent, receivedAt: string, line?: SourceLine): EventRow {
  const key = eventEntityKey(e);
  const head = `{"received_default":${JSON.stringify(receivedAt)},"entity_key":${JSON.stringify(key)},"amount_value":${e.amount === null ? 'null' : JSON.stringify(e.amount)}`;
  const { slab, start, end } = line && sentAsValidated(e, line) ? slabs.put(head, line.bytes, line.start, line.end) : slabs.put(head, JSON.stringify(e));
  return { event_id: e.event_id, entity_key: key, refs: e.refs, stamped_correlation_id: e.correlation_id, slab, start, end };
}

/**
 * An event as a row of `events` itself (JSONEachRow, under its deal): for inserts straight
 * into the table (the benchmark's raw insert, tests). Timestamps as the event holds them
 * (normal ISO instants: the engine's basic DateTime64 parser reads them).
 */
export function toRowLine(e: CanonicalEvent, correlationId: string, receivedAt: string): string {
  const a = e.attributes;
  return JSON.stringify({
    correlation_id: correlationId,
    event_id: e.event_id,
    source: e.source,
    source_instance: e.source_instance,
    type: e.type,
    occurred_at: e.occurred_at,
    received_at: e.received_at ?? receivedAt,
    entity_type: e.entity_type,
    entity_id: e.entity_id,
    entity_key: eventEntityKey(e),
    refs: e.refs,
    stamped_correlation_id: e.correlation_id,
    amount: e.amount,
    currency: e.currency || a.currency || '',
    status: e.status,
    due_at: e.due_at,
    period_end: e.period_end,
    customer: a.customer ?? '',
    region: a.region ?? '',
    practice: a.practice ?? '',
    legal_entity: a.legal_entity ?? '',
    billing_model: a.billing_model ?? '',
    attributes: a,
    trace_id: e.trace_id,
    span_id: e.span_id,
    payload: e.payload ?? null,
  });
}

/** Events as they enter the write buffer, received at `receivedAt` (rows pass through as they are). */
export function eventRows(events: readonly (CanonicalEvent | EventRow)[], receivedAt = new Date().toISOString()): EventRow[] {
  return events.map((e) => (isEventRow(e) ? e : eventRow(e, receivedAt)));
}

/** What a row's line starts with under its deal, up to the row's own fields (no comma). */
function dealPrefix(correlationId: string): string {
  return `{"deal_correlation_id":${JSON.stringify(correlationId)}`;
}

/** The JSONEachRow line of a row under its deal. */
export function rowLine(row: EventRow, correlationId: string): string {
  return `${dealPrefix(correlationId)},${rowJson(row).slice(1)}`;
}

/**
 * The insert body of rows under their deals, as UTF-8 bytes written piece by piece: joining
 * the lines first made one string of the whole batch — two-byte as soon as one row holds a
 * non-ASCII character — that the engine's binding then re-encoded (4.9 → 1.5–1.8 µs per
 * event in a micro-bench on the bench's rows). Each row goes in as its deal's prefix, then
 * its JSON as kept, whose opening brace becomes the comma between them: building each line
 * first (rowLine) made a concatenated string that the write had to flatten, a copy of every
 * row (2026-12-01: rowLine and the write took 6.2 µs per event of the main thread in a CPU
 * profile; with this session's other row changes, the JavaScript side of the embedded
 * path, bodies to insert body, went from 25.9 / 26.9 to 21.6 / 22.9 µs of CPU per event).
 */
export function rowsBody(rows: readonly EventRow[], correlationIds: readonly string[], alloc: (size: number) => Buffer = Buffer.allocUnsafe): Buffer {
  // A batch holds many rows of each deal: each deal's prefix is encoded once.
  const byDeal = new Map<string, Buffer>();
  const prefixes = correlationIds.map((c) => {
    let p = byDeal.get(c);
    if (p === undefined) {
      p = Buffer.from(dealPrefix(c));
      byDeal.set(c, p);
    }
    return p;
  });
  let size = 0;
  for (let i = 0; i < rows.length; i++) size += prefixes[i].length + rowSize(rows[i]) + 1;
  const body = alloc(size);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    at += prefixes[i].copy(body, at);
    const brace = at;
    at += slabOf(r).copy(body, at, r.start, r.end);
    body[brace] = 44; // the row's '{' ▶ ','
    body[at++] = 10;
  }
  return body.length === size ? body : body.subarray(0, size);
}

/**
 * Buffers for insert bodies, reused once their insert is done. A batch's body is ~15 MB: a
 * fresh allocation of that size is fresh memory from the kernel, and each first touch of a
 * page faults — on this machine writing rows into a fresh body took 2.6 µs per row of the
 * main thread in a CPU profile (bench/ingest-profile, 2026-12-01), ~0.1 µs into a reused one.
 * Keeps at most `keep` buffers (the inserts that may run at once, and one being written).
 */
export class BodyBuffers {
  private free: Buffer[] = [];
  constructor(private readonly keep: number) {}

  /** A buffer of at least `size` bytes: a free one, or a new one with room to grow. */
  take(size: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= size);
    if (i >= 0) return this.free.splice(i, 1)[0];
    return Buffer.allocUnsafe(Math.ceil(size * 1.25));
  }

  /** Back for reuse: only once nothing reads it any more (its insert has succeeded). */
  give(buf: Buffer): void {
    this.free.push(buf);
    if (this.free.length > this.keep) {
      this.free.sort((a, b) => b.length - a.length);
      this.free.length = this.keep;
    }
  }
}

/** Keys held twice fail the insert instead of being read first-wins; unknown keys are skipped. */
const INSERT_SETTINGS = { input_format_json_ignore_unnecessary_fields: 0, input_format_skip_unknown_fields: 1 } as const;

/**
 * Inserts an insert body of rows (rowsBody) into `events_in`, whose view writes `events`.
 * A line the source sent with a key twice fails the insert (the engine would read the
 * first, validation read the last): the body then goes again with every line re-serialised
 * as JSON.parse reads it (a failed insert stores nothing of it: its rows are one block).
 * `settings`: more insert settings (the benchmark's raw insert tries one thread per insert).
 */
export async function insertEventRows(store: Store, body: Buffer, settings?: Record<string, string | number>): Promise<void> {
  const all = { ...INSERT_SETTINGS, ...settings };
  try {
    await store.insertJsonEachRow('events_in', body, all);
  } catch (err) {
    if (!/Duplicate field found/.test(err instanceof Error ? err.message : String(err))) throw err;
    metrics().ingestReserialised.inc();
    await store.insertJsonEachRow('events_in', reserialised(body), all);
  }
}

/** An insert body's lines as JSON.parse reads them (one value per key: the last). */
function reserialised(body: Buffer): string {
  return body
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.stringify(JSON.parse(l)))
    .join('\n');
}
