// A write buffer shared by every producer in the process: a flush starts when the buffer
// holds maxRows rows or maxBytes bytes, when the writer is idle and the oldest item has
// waited maxWaitMs, and on shutdown; up to maxInFlight full batches are written at once
// (the flush function orders its own writes), so the next batch is prepared while the
// previous one is inserted. Producers wait (backpressure) while more than maxQueuedBytes
// are queued or being written, so memory stays bounded. Each add() resolves with its own
// items' results once the flush holding them is done.

export interface BatcherOptions<T, R> {
  maxRows: number;
  maxBytes: number;
  maxWaitMs: number;
  maxQueuedBytes: number;
  /** Flushes running at once (default 1). */
  maxInFlight?: number;
  flush: (items: T[]) => Promise<R[]>;
}

interface Pending<T, R> {
  items: T[];
  bytes: number;
  at: number;
  resolve: (r: R[]) => void;
  reject: (e: unknown) => void;
}

export class Batcher<T, R> {
  private queue: Pending<T, R>[] = [];
  /** Rows and bytes accepted and not yet written (waiting or in a running flush). */
  private queuedRows = 0;
  private queuedBytes = 0;
  /** Rows and bytes waiting for a flush to take them. */
  private waitingRows = 0;
  private waitingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = new Set<Promise<void>>();
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
      this.queue.push({ items, bytes, at: performance.now(), resolve, reject });
      this.queuedRows += items.length;
      this.queuedBytes += bytes;
      this.waitingRows += items.length;
      this.waitingBytes += bytes;
      this.schedule();
    });
  }

  /** Starts every flush that is due and allowed; otherwise arms the timer of the oldest item. */
  private schedule(): void {
    const maxInFlight = this.opts.maxInFlight ?? 1;
    while (this.queue.length > 0 && this.running.size < maxInFlight) {
      // A full batch goes at once; a partial one only to an idle writer once its oldest
      // item has waited maxWaitMs (under load, rows gather while the writer is busy).
      const due =
        this.closed ||
        this.waitingRows >= this.opts.maxRows ||
        this.waitingBytes >= this.opts.maxBytes ||
        (this.running.size === 0 && performance.now() - this.queue[0].at >= this.opts.maxWaitMs);
      if (!due) break;
      this.startFlush();
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // While a flush runs, the next partial batch is started when it finishes.
    if (this.queue.length > 0 && this.running.size === 0) {
      const wait = Math.max(0, this.queue[0].at + this.opts.maxWaitMs - performance.now());
      this.timer = setTimeout(() => {
        this.timer = null;
        this.schedule();
      }, wait);
    }
  }

  private startFlush(): void {
    const batch: Pending<T, R>[] = [];
    let rows = 0;
    let bytes = 0;
    while (this.queue.length > 0 && (batch.length === 0 || (rows + this.queue[0].items.length <= this.opts.maxRows && bytes < this.opts.maxBytes))) {
      const p = this.queue.shift()!;
      batch.push(p);
      rows += p.items.length;
      bytes += p.bytes;
    }
    this.waitingRows -= rows;
    this.waitingBytes -= bytes;
    const run = this.flushBatch(batch, rows, bytes).finally(() => {
      this.running.delete(run);
      this.schedule();
    });
    this.running.add(run);
  }

  private async flushBatch(batch: Pending<T, R>[], rows: number, bytes: number): Promise<void> {
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
  }

  /** Flushes everything queued, then refuses new items. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.running.size > 0) {
      this.schedule();
      await Promise.all([...this.running]);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiters.forEach((r) => r());
  }
}
