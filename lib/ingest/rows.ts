// Canonical event ▶ ClickHouse row of `events`, serialised once as a JSONEachRow line.
//
// An event becomes an EventRow as it enters the write buffer: the row's JSON (all but the
// correlation ID, which stitching decides later) as bytes in an off-heap slab, and the few
// fields stitching and dedup read, so a batch waiting for its insert holds four fields and
// a byte range per event instead of the event's object graph or a ~1 KB string. (In
// process, bench/ingest-profile, 2026-12-01: with the JSON as strings, main-thread
// scavenges took 3.0–3.1 µs per event embedded; in slabs, 1.5–2.1.)

import type { CanonicalEvent } from '../events/schema';
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
   * The events row as a JSON object without correlation_id (`{"event_id":…}`), as UTF-8:
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

  put(text: string): { slab: Slab; start: number; end: number } {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    let slab = this.current;
    if (!slab || slab.buf.length - this.at < text.length * 3) {
      if (slab && slab.live === 0) this.recycle(slab);
      slab = (text.length * 3 <= this.size && this.pool().pop()) || { buf: Buffer.allocUnsafeSlow(Math.max(this.size, text.length * 3)), live: 0 };
      this.current = slab;
      this.at = 0;
    }
    const start = this.at;
    this.at += slab.buf.write(text, start, 'utf8');
    slab.live++;
    return { slab, start, end: this.at };
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

/**
 * `receivedAt`: when Cashtrace received the event, for events that do not say. Timestamps
 * go as the events hold them (normal ISO instants, ...Z: the engine's basic DateTime64
 * parser reads them). The payload goes as JSON, object or not: the engine stores the text
 * of a JSON value read into a String column (JSON_VALUES_AS_TEXT in lib/clickhouse/client),
 * so a payload is serialised once, not serialised and then escaped again as a string; a
 * string payload is stored as the string, a missing one as ''. Against the former row (ClickHouse's
 * timestamp text, payload as a string), in a micro-bench of the JavaScript side on the
 * bench's bodies: ~7.1 → ~6.1 KB allocated per event.
 */
export function eventRow(e: CanonicalEvent, receivedAt: string): EventRow {
  const a = e.attributes;
  const key = eventEntityKey(e);
  const { slab, start, end } = slabs.put(
    JSON.stringify({
      event_id: e.event_id,
      source: e.source,
      source_instance: e.source_instance,
      type: e.type,
      occurred_at: e.occurred_at,
      received_at: e.received_at ?? receivedAt,
      entity_type: e.entity_type,
      entity_id: e.entity_id,
      entity_key: key,
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
    }),
  );
  return { event_id: e.event_id, entity_key: key, refs: e.refs, stamped_correlation_id: e.correlation_id, slab, start, end };
}

/** Events as they enter the write buffer, received at `receivedAt` (rows pass through as they are). */
export function eventRows(events: readonly (CanonicalEvent | EventRow)[], receivedAt = new Date().toISOString()): EventRow[] {
  return events.map((e) => (isEventRow(e) ? e : eventRow(e, receivedAt)));
}

/** What a row's line starts with under its deal, up to the row's own fields (no comma). */
function dealPrefix(correlationId: string): string {
  return `{"correlation_id":${JSON.stringify(correlationId)}`;
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

export function toRowLine(e: CanonicalEvent, correlationId: string, receivedAt: string): string {
  return rowLine(eventRow(e, receivedAt), correlationId);
}
