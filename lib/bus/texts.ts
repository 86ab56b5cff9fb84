// The JSON text of each event a NATS message carries, by index: for a request body's
// NDJSON lines, a byte range of the body as it arrived (no string kept per event); for
// anything else, the string.
//
// Why not the line strings: with NATS the route holds a request's texts across its
// pre-check lookup and the publish, long enough for every young-generation collection
// meanwhile to copy them and then promote them. In process (bench/ingest-profile, 100k
// events, 8 requests in flight, three interleaved pairs, 2026-12-01): main-thread scavenge
// pauses 4.1–4.6 → 3.3–4.3 µs per event; the rates stayed within the machine's noise.

export class EventTexts {
  /** The distinct buffers ranges point into, in order of first use. */
  private readonly buffers: Uint8Array[] = [];
  private readonly strings: string[] = [];
  /** Per text: buffer index, start, end — or -1, string index, byte length. */
  private readonly spans: number[] = [];

  /** `from` as strings. */
  static of(strings: readonly string[]): EventTexts {
    const t = new EventTexts();
    for (const s of strings) t.addString(s);
    return t;
  }

  get length(): number {
    return this.spans.length / 3;
  }

  /** Bytes [start, end) of `buffer`: one JSON value (the caller parsed exactly these bytes). */
  addBytes(buffer: Uint8Array, start: number, end: number): void {
    let b = this.buffers.length - 1;
    if (b < 0 || this.buffers[b] !== buffer) b = this.buffers.push(buffer) - 1;
    this.spans.push(b, start, end);
  }

  addString(text: string): void {
    this.spans.push(-1, this.strings.push(text) - 1, Buffer.byteLength(text, 'utf8'));
  }

  /** Text i's size in UTF-8 bytes. */
  byteLength(i: number): number {
    const s = this.spans;
    return s[3 * i] < 0 ? s[3 * i + 2] : s[3 * i + 2] - s[3 * i + 1];
  }

  /** Writes text i into `target` at `at`; returns the bytes written. */
  write(i: number, target: Buffer, at: number): number {
    const s = this.spans;
    const b = s[3 * i];
    if (b < 0) return target.write(this.strings[s[3 * i + 1]], at, 'utf8');
    target.set(this.buffers[b].subarray(s[3 * i + 1], s[3 * i + 2]), at);
    return s[3 * i + 2] - s[3 * i + 1];
  }

  /** The texts at these indices, in this order. */
  pick(indices: readonly number[]): EventTexts {
    const t = new EventTexts();
    const s = this.spans;
    for (const i of indices) {
      const b = s[3 * i];
      if (b < 0) t.addString(this.strings[s[3 * i + 1]]);
      else t.addBytes(this.buffers[b], s[3 * i + 1], s[3 * i + 2]);
    }
    return t;
  }

  /** Text i as a string (tests, error messages). */
  text(i: number): string {
    const s = this.spans;
    const b = s[3 * i];
    return b < 0 ? this.strings[s[3 * i + 1]] : Buffer.from(this.buffers[b].buffer, this.buffers[b].byteOffset, this.buffers[b].byteLength).toString('utf8', s[3 * i + 1], s[3 * i + 2]);
  }
}
