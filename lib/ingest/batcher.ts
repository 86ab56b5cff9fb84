// A write buffer shared by every producer in the process: flushes when it holds
// maxRows rows or maxBytes bytes, after maxWaitMs, and on shutdown. Producers wait
// (backpressure) while more than maxQueuedBytes are queued, so memory stays bounded.
// Each add() resolves with its own items' results once the flush holding them is done.

export interface BatcherOptions<T, R> {
  maxRows: number;
  maxBytes: number;
  maxWaitMs: number;
  maxQueuedBytes: number;
  flush: (items: T[]) => Promise<R[]>;
}

interface Pending<T, R> {
  items: T[];
  bytes: number;
  resolve: (r: R[]) => void;
  reject: (e: unknown) => void;
}

export class Batcher<T, R> {
  private queue: Pending<T, R>[] = [];
  private queuedRows = 0;
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: BatcherOptions<T, R>) {}

  get stats(): { queuedRows: number; queuedBytes: number } {
    return { queuedRows: this.queuedRows, queuedBytes: this.queuedBytes };
  }

  async add(items: T[], bytes: number): Promise<R[]> {
    if (this.closed) throw new Error('ingest buffer is shut down');
    if (items.length === 0) return [];
    while (this.queuedBytes > 0 && this.queuedBytes + bytes > this.opts.maxQueuedBytes) {
      await new Promise<void>((r) => this.waiters.push(r));
      if (this.closed) throw new Error('ingest buffer is shut down');
    }
    return new Promise<R[]>((resolve, reject) => {
      this.queue.push({ items, bytes, resolve, reject });
      this.queuedRows += items.length;
      this.queuedBytes += bytes;
      if (this.queuedRows >= this.opts.maxRows || this.queuedBytes >= this.opts.maxBytes) this.kick();
      else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.opts.maxWaitMs);
    });
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch: Pending<T, R>[] = [];
      let rows = 0;
      let bytes = 0;
      while (this.queue.length > 0 && (batch.length === 0 || (rows + this.queue[0].items.length <= this.opts.maxRows && bytes < this.opts.maxBytes))) {
        const p = this.queue.shift()!;
        batch.push(p);
        rows += p.items.length;
        bytes += p.bytes;
      }
      try {
        const results = await this.opts.flush(batch.flatMap((p) => p.items));
        let offset = 0;
        for (const p of batch) {
          p.resolve(results.slice(offset, offset + p.items.length));
          offset += p.items.length;
        }
      } catch (err) {
        for (const p of batch) p.reject(err);
      } finally {
        this.queuedRows -= rows;
        this.queuedBytes -= bytes;
        const w = this.waiters;
        this.waiters = [];
        w.forEach((r) => r());
      }
      // Below the row limit, give concurrent producers the time window to join the next insert.
      if (this.queue.length > 0 && this.queuedRows < this.opts.maxRows && !this.closed) {
        this.timer = setTimeout(() => this.kick(), this.opts.maxWaitMs);
        return;
      }
    }
  }

  /** Flushes everything queued, then refuses new items. */
  async drain(): Promise<void> {
    this.closed = true;
    this.kick();
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) this.kick();
      await this.flushing;
    }
    this.waiters.forEach((r) => r());
  }
}
