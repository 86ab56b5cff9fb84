// Login rate limiting: a sliding window of failed attempts per key (username, IP).
// In-process memory: one app process serves sign-in (state is lost on restart, which
// only resets the window).

export class RateLimiter {
  private hits = new Map<string, number[]>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const h = this.prune(key, now);
    if (h.length < this.limit) return 0;
    return Math.max(1, Math.ceil((h[0] + this.windowMs - now) / 1000));
  }

  fail(key: string, now = Date.now()): void {
    const h = this.prune(key, now);
    h.push(now);
    this.hits.set(key, h);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private prune(key: string, now: number): number[] {
    const h = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (h.length) this.hits.set(key, h);
    else this.hits.delete(key);
    return h;
  }
}
