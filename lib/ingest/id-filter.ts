// Dedup's shortcut: a Bloom filter of every event ID the store may hold. An ID it has
// never seen was never stored, so it needs no lookup among the committed IDs; only the
// IDs it may have seen (duplicates, and ~0.5% of the new ones) are looked up. The lookups
// were the engine's biggest cost after the inserts themselves: a batch's thousands of
// random IDs touch every granule of event_ids, so each one read the whole table (in
// process, 200k events: 50–54 → 38–44 µs of CPU per event without them).
//
// Sound only while this process is the store's only writer of events (embedded chDB: one
// process per data directory), and only when every ID is added before its insert starts
// (the writer adds a batch's IDs as it prepares it): a failed or torn insert leaves its
// IDs in the filter, which only costs a lookup. It is filled from event_ids at start, in
// pages, while IDs added meanwhile are kept; until then every ID is looked up.
//
// It grows by blocks, each twice the previous one's capacity (a scalable Bloom filter), so
// the false-positive rate stays under the sum of the blocks' (0.5% each: ~2% at 15M IDs
// from a 1M start). 11 bits per ID of a block's capacity, rounded up to a power of two;
// the block the start-up load adds is sized for twice the stored IDs: ~3.4 bytes per stored
// ID at 10M (34 MiB).

import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';

/** Bits per ID and probes per lookup for a 0.5% false-positive rate per block. */
const BITS_PER_ID = 11;
const PROBES = 8;

class Block {
  readonly bits: Uint32Array;
  readonly mask: number;
  count = 0;

  constructor(readonly capacity: number) {
    // a power of two of bits, at least capacity × BITS_PER_ID
    const wanted = Math.max(1024, capacity * BITS_PER_ID);
    const log2 = Math.ceil(Math.log2(wanted));
    this.bits = new Uint32Array(2 ** (log2 - 5));
    this.mask = 2 ** log2 - 1;
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    }
    this.count++;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Murmur3's finaliser: every input bit reaches every output bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Two independent 32-bit hashes of a string's UTF-16 code units (FNV-1a, and a multiply–rotate one), for double hashing. */
function hashes(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b = (b << 13) | (b >>> 19);
  }
  // h2 odd: the probes of one ID then never repeat within a block (its size is a power of two)
  return [mix(a), mix(b) | 1];
}

export class IdFilter {
  private blocks: Block[];
  /** Until load() completes, the filter answers "maybe" for every ID. */
  private loaded = false;

  constructor(initialCapacity = 1 << 20) {
    this.blocks = [new Block(initialCapacity)];
  }

  get ready(): boolean {
    return this.loaded;
  }

  /** IDs added (with repeats: an ID added twice counts twice). */
  get size(): number {
    return this.blocks.reduce((s, b) => s + b.count, 0);
  }

  /** Bytes held by the blocks. */
  get bytes(): number {
    return this.blocks.reduce((s, b) => s + b.bits.byteLength, 0);
  }

  add(id: string): void {
    let last = this.blocks[this.blocks.length - 1];
    if (last.count >= last.capacity) {
      last = new Block(last.capacity * 2);
      this.blocks.push(last);
    }
    const [h1, h2] = hashes(id);
    last.add(h1, h2);
  }

  /** False only when `id` was certainly never added (and the filter is loaded): it needs no lookup. */
  mightHave(id: string): boolean {
    if (!this.loaded) return true;
    const [h1, h2] = hashes(id);
    for (const b of this.blocks) if (b.has(h1, h2)) return true;
    return false;
  }

  /** The IDs among `ids` that must be looked up (all of them until loaded). */
  toLookUp(ids: readonly string[]): string[] {
    return this.loaded ? ids.filter((id) => this.mightHave(id)) : [...ids];
  }

  /**
   * Adds every ID in event_ids, page by page in key order (a page per query, so the
   * connection serves other queries between them), then answers. IDs added meanwhile
   * (the writer's) are kept. `progress` is called after each page.
   */
  async load(store: Store, { pageSize = 100_000, progress }: { pageSize?: number; progress?: (ids: number) => void } = {}): Promise<void> {
    const [{ n }] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM event_ids`);
    const expected = Number(n);
    const last = this.blocks[this.blocks.length - 1];
    // sized for what is stored (and as much again), so the table fills one block
    if (expected > last.capacity - last.count) this.blocks.push(new Block(Math.max(expected * 2, last.capacity * 2)));
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const from: string | null = after;
      const rows: { event_id: string }[] = await store.query<{ event_id: string }>(
        from === null
          ? sql`SELECT event_id FROM event_ids ORDER BY event_id LIMIT ${pageSize}`
          : sql`SELECT event_id FROM event_ids WHERE event_id > ${from} ORDER BY event_id LIMIT ${pageSize}`,
      );
      for (const r of rows) this.add(r.event_id);
      total += rows.length;
      progress?.(total);
      if (rows.length < pageSize) break;
      after = rows[rows.length - 1].event_id;
    }
    this.loaded = true;
  }
}
