// When the process that publishes an ingest batch also consumes the stream (the default:
// the web app runs the ingest worker), its consumer takes the validated events it
// published instead of decoding and validating the message again, with what the publisher
// passed along (the pre-check's answer: the writer does not look them up again). It takes
// them only for a message whose bytes equal the ones it published (the JSON of those
// events), so the rows written are the same. Only an optimisation: JetStream stays the
// durable copy, and a message without a kept entry (another publisher, a redelivery, an
// entry evicted by the size or age bound) is decoded as before.
//
// The writer's consumer is headers-only (lib/bus/nats.ts): JetStream delivers each message's
// headers and body size, not its bytes (receiving every body again was ~10% of the NATS
// path's CPU). Such a message is ours when our publish stored it at that stream sequence
// (the dedup window makes the stored message for an ID the first one published; ours was
// stored, so it is ours) with that body size; the consumer waits for the publish's ack when
// the message arrives first. A message that is not ours is fetched from the stream.

import { releaseRows, type EventRow } from '../ingest/rows';

export interface Handoff {
  /** The message's events as the writer's rows (made when they were validated). */
  rows: EventRow[];
  /** What the publisher passed along with them (PublishOptions.context). */
  context: unknown;
  /** The message's body size. */
  bytes: number;
}

/** A delivered message as the consumer sees it: its body (empty when headers-only), stream sequence, body size. */
export interface Delivered {
  data: Uint8Array;
  seq: number;
  /** Nats-Msg-Size of a headers-only delivery; undefined when the body came along. */
  size?: number;
}

interface Entry {
  rows: EventRow[];
  context: unknown;
  /** The published message. */
  data: Uint8Array;
  at: number;
  /** The stream sequence JetStream stored it at, or null when it did not store it. */
  stored: Promise<number | null>;
  resolve: (seq: number | null) => void;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export class LocalHandoff {
  private entries = new Map<string, Entry>();
  private heldBytes = 0;
  private enabled = false;

  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly maxAgeMs = 60_000,
  ) {}

  /** Turned on by the in-process consumer; a publisher alone keeps nothing. */
  enable(): void {
    this.enabled = true;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Keeps the rows of a message about to be published; returns the entry to settle(). */
  keep(msgId: string, rows: EventRow[], data: Uint8Array, context?: unknown): Entry | null {
    // Rows not kept are read by nobody else (the message carries their events): their bytes go.
    if (!this.enabled) return this.release(rows);
    this.evictOld();
    // An entry under this ID may belong to the message JetStream stored: never replace it.
    if (this.entries.has(msgId) || this.heldBytes + data.byteLength > this.maxBytes) return this.release(rows);
    let resolve: (seq: number | null) => void = () => {};
    const stored = new Promise<number | null>((r) => (resolve = r));
    const entry: Entry = { rows, context, data, at: performance.now(), stored, resolve };
    this.entries.set(msgId, entry);
    this.heldBytes += data.byteLength;
    return entry;
  }

  /** After the publish (always called): stored at `seq`, or dropped as a duplicate (or never got) and not kept. */
  settle(msgId: string, entry: Entry | null, stored: boolean, seq?: number): void {
    if (!entry) return;
    entry.resolve(stored && seq !== undefined ? seq : null);
    if (!stored) this.drop(msgId, entry);
  }

  /** The consumer's side: the kept rows of this message, once; null when it must decode. */
  async take(msgId: string | undefined, m: Delivered): Promise<Handoff | null> {
    if (!msgId) return null;
    const entry = this.entries.get(msgId);
    if (!entry) return null;
    this.drop(msgId, entry, false);
    const ours =
      m.size === undefined
        ? sameBytes(entry.data, m.data)
        : m.size === entry.data.byteLength && (await entry.stored) === m.seq;
    return ours ? { rows: entry.rows, context: entry.context, bytes: entry.data.byteLength } : this.release(entry.rows);
  }

  /** Forgets an entry; its rows' bytes go too unless they are handed to the consumer (`release` false). */
  private drop(msgId: string, entry: Entry, release = true): void {
    if (this.entries.get(msgId) !== entry) return;
    this.entries.delete(msgId);
    this.heldBytes -= entry.data.byteLength;
    if (release) releaseRows(entry.rows);
  }

  private release(rows: EventRow[]): null {
    releaseRows(rows);
    return null;
  }

  private evictOld(): void {
    const limit = performance.now() - this.maxAgeMs;
    for (const [id, e] of this.entries) {
      if (e.at >= limit) break;
      this.drop(id, e);
    }
  }
}
