// Seeded randomness for the simulator: one small, fast PRNG (sfc32) per deal, seeded from
// (seed, deal index, stream name) so a deal's story never depends on how many deals came
// before it. Same seed ⇒ same firm, same deals, same events.

/** cyrb53-style string hash → two 32-bit halves; stable across runs and platforms. */
export function hash64(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

/** Deterministic lowercase hex of the given length derived from a key. */
export function stableHex(key: string, length: number): string {
  let out = '';
  let salt = 0;
  while (out.length < length) {
    const [a, b] = hash64(`${key}#${salt++}`);
    out += a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(key: string) {
    const [h1, h2] = hash64(key);
    const [h3, h4] = hash64(`${key}/2`);
    this.a = h1;
    this.b = h2;
    this.c = h3;
    this.d = h4 | 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  float(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by relative weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][0];
  }

  /** Approximately normal (sum of uniforms), cheap and bounded. */
  normal(mean: number, sd: number): number {
    const s = this.next() + this.next() + this.next() + this.next() + this.next() + this.next() - 3;
    return mean + sd * s * Math.SQRT2;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 4294967296).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}
