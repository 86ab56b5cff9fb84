// Exact dedup across overlapping work. A lookup of committed event IDs (event_ids) answers
// as of some moment after it starts, so batches the writer stores after a lookup started
// may be missing from its answer. The writer numbers the batches it stores and keeps their
// IDs while a lookup opened before them is open; storedSince() tells what such a lookup
// may have missed.
//
// A lookup may also outlive the call that made it: the ingest route's pre-check (NATS)
// looks a request's events up before publishing them. Its Precheck travels with the events
// it found absent through the local handoff (lib/bus/local-handoff) and the write buffer,
// and claim() lets write() use it instead of a second lookup. A message decoded from
// JetStream (another publisher, a redelivery, a restart) carries no Precheck, so its events
// are always looked up. A Precheck stays open until all its events are claimed, at most
// `ttlMs`: one whose events never reach this writer stops holding IDs.

export interface OpenLookup {
  /** Number of the last batch stored when the lookup started. */
  readonly since: number;
}

/** A pre-check's answer for the events it found absent, handed along with them. */
export class Precheck {
  constructor(
    readonly lookup: OpenLookup,
    /** Events found absent not claimed yet. */
    public pending: number,
  ) {}
}

/** Items [start, end) of a batch and what came with them (a Precheck, or nothing). */
export interface ClaimPart {
  start: number;
  end: number;
  tag: unknown;
}

export class LookupWindow {
  private seq = 0;
  /** Batches stored while a lookup opened before them is open, oldest first, with their IDs. */
  private stored: { seq: number; ids: ReadonlySet<string> }[] = [];
  /** Open lookups and when each expires. */
  private open = new Map<OpenLookup, number>();

  /** Opens a lookup starting now: IDs stored from now on are kept for it until close() (or ttlMs). */
  openLookup(ttlMs = Infinity): OpenLookup {
    const lookup = { since: this.seq };
    this.open.set(lookup, performance.now() + ttlMs);
    return lookup;
  }

  close(lookup: OpenLookup): void {
    this.open.delete(lookup);
    this.prune();
  }

  get openCount(): number {
    this.expire();
    return this.open.size;
  }

  /** The answer of `lookup` for `absent` events, to hand along with them; closes the lookup when there are none. */
  precheck(lookup: OpenLookup, absent: number): Precheck | null {
    if (absent > 0) return new Precheck(lookup, absent);
    this.close(lookup);
    return null;
  }

  /**
   * A write's lookup, opened now: `unchecked` are the events it must still look up; the
   * others came with a Precheck still open, so the returned lookup starts where the
   * oldest of those did (storedSince() covers them too).
   */
  claim<E extends { event_id: string }>(events: readonly E[], parts: readonly ClaimPart[] = []): { lookup: OpenLookup; unchecked: readonly E[] } {
    this.expire();
    let since = this.seq;
    const unchecked: E[] = [];
    const done: Precheck[] = [];
    let at = 0;
    let claimed = 0;
    for (const part of parts) {
      const check = part.tag;
      const size = part.end - part.start;
      if (!(check instanceof Precheck) || !this.open.has(check.lookup) || size > check.pending || part.start < at) continue;
      for (let i = at; i < part.start; i++) unchecked.push(events[i]);
      at = part.end;
      claimed += size;
      since = Math.min(since, check.lookup.since);
      check.pending -= size;
      if (check.pending === 0) done.push(check);
    }
    if (claimed === 0) return { lookup: this.openLookup(), unchecked: events };
    for (let i = at; i < events.length; i++) unchecked.push(events[i]);
    const lookup = { since };
    this.open.set(lookup, Infinity);
    for (const check of done) this.open.delete(check.lookup);
    return { lookup, unchecked };
  }

  /** A batch is stored (an empty one too: the numbering counts every write). */
  recordStored(ids: ReadonlySet<string>): void {
    const seq = ++this.seq;
    if (ids.size > 0 && this.open.size > 0) this.stored.push({ seq, ids });
  }

  /** Whether an ID was stored after the lookup started (its answer may miss it). */
  storedSince(lookup: OpenLookup): { has(id: string): boolean } {
    const sets: ReadonlySet<string>[] = [];
    for (const b of this.stored) if (b.seq > lookup.since) sets.push(b.ids);
    if (sets.length === 1) return sets[0];
    return {
      has: (id) => {
        for (const s of sets) if (s.has(id)) return true;
        return false;
      },
    };
  }

  /** Batches kept (for tests). */
  get storedBatches(): number {
    return this.stored.length;
  }

  private expire(): void {
    const now = performance.now();
    for (const [lookup, expires] of this.open) if (expires <= now) this.open.delete(lookup);
  }

  private prune(): void {
    this.expire();
    let oldest = Infinity;
    for (const lookup of this.open.keys()) oldest = Math.min(oldest, lookup.since);
    let drop = 0;
    while (drop < this.stored.length && this.stored[drop].seq <= oldest) drop++;
    if (drop > 0) this.stored = this.stored.slice(drop);
  }
}
