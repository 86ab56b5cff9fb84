// A write buffer shared by every producer in the process: a flush starts when the buffer
// holds maxRows rows or maxBytes bytes, when the oldest item has waited maxWaitMs and no
// running flush is still preparing its batch (it calls `prepared`; after that it only
// waits for the engine) — or, below alongsideMinRows rows, no flush runs at all — and on
// shutdown. Up to maxInFlight flushes run at once (the flush function orders its own
// writes), so the next batch is prepared while one is inserted. Producers wait
// (backpressure) while more than maxQueuedBytes are queued or being written, so memory
// stays bounded. Each add() resolves with its own items' results once the flush holding
// them is done; what a producer passes along with its items (a tag) reaches the flush.

/** The items of one add() within a batch: [start, end), with the tag passed to add(). */
export interface BatchPart<G> {
  start: number;
  end: number;
  tag: G | undefined;
}

export interface BatcherOptions<T, R, G = never> {
  maxRows: number;
  maxBytes: number;
  maxWaitMs: number;
  maxQueuedBytes: number;
  /** Flushes running at once (default 1). */
  maxInFlight?: number;
  /**
   * The rows a partial batch needs to start while another flush runs (once that one is
   * prepared); a smaller one waits for the running flush to end and takes what gathered
   * meanwhile. 0 (the default): any partial batch. Infinity: only a full batch overlaps a
   * running flush — the runtime's choice, embedded and with NATS (lib/runtime.ts), as
   * smaller inserts cost the engine much more CPU per row to write and then to merge. In
   * between: a batch overlaps the running insert once it is that big.
   */
  alongsideMinRows?: number;
  /** Writes a batch; calls `prepared` once the rest is up to the engine (optional). */
  flush: (items: T[], prepared: () => void, parts: readonly BatchPart<G>[]) => Promise<R[]>;
}

interface Pending<T, R, G> {
  items: T[];
  tag: G | undefined;
  bytes: number;
  at: number;
  resolve: (r: R[]) => void;
  reject: (e: unknown) => void;
}

export class Batcher<T, R, G = never> {
  private queue: Pending<T, R, G>[] = [];
  /** Rows and bytes accepted and not yet written (waiting or in a running flush). */
  private queuedRows = 0;
  private queuedBytes = 0;
  /** Rows and bytes waiting for a flush to take them. */
  private waitingRows = 0;
  private waitingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Running flushes, and whether each has prepared its batch. */
  private running = new Map<Promise<void>, { prepared: boolean }>();
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: BatcherOptions<T, R, G>) {}

  get stats(): { queuedRows: number; queuedBytes: number } {
    return { queuedRows: this.queuedRows, queuedBytes: this.queuedBytes };
  }

  async add(items: T[], bytes: number, tag?: G): Promise<R[]> {
    if (this.closed) throw new Error('ingest buffer is shut down');
    if (items.length === 0) return [];
    while (this.queuedBytes > 0 && this.queuedBytes + bytes > this.opts.maxQueuedBytes) {
      await new Promise<void>((r) => this.waiters.push(r));
      if (this.closed) throw new Error('ingest buffer is shut down');
    }
    return new Promise<R[]>((resolve, reject) => {
      this.queue.push({ items, tag, bytes, at: performance.now(), resolve, reject });
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
      // A full batch goes at once; a partial one once its oldest item has waited maxWaitMs
      // and no flush is preparing, or none runs (under load, rows gather while the writer is busy).
      const due =
        this.closed ||
        this.waitingRows >= this.opts.maxRows ||
        this.waitingBytes >= this.opts.maxBytes ||
        (this.partialMayStart() && performance.now() - this.queue[0].at >= this.opts.maxWaitMs);
      if (!due) break;
      this.startFlush();
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // While a flush prepares (or runs), the next partial batch waits for it (prepared() or its end).
    if (this.queue.length > 0 && this.running.size < maxInFlight && this.partialMayStart()) {
      const wait = Math.max(0, this.queue[0].at + this.opts.maxWaitMs - performance.now());
      this.timer = setTimeout(() => {
        this.timer = null;
        this.schedule();
      }, wait);
    }
  }

  private partialMayStart(): boolean {
    if (this.running.size === 0) return true;
    if (this.waitingRows < (this.opts.alongsideMinRows ?? 0)) return false;
    for (const r of this.running.values()) if (!r.prepared) return false;
    return true;
  }

  private startFlush(): void {
    const batch: Pending<T, R, G>[] = [];
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
    const state = { prepared: false };
    const prepared = () => {
      if (state.prepared) return;
      state.prepared = true;
      this.schedule();
    };
    const run = this.flushBatch(batch, rows, bytes, prepared).finally(() => {
      this.running.delete(run);
      this.schedule();
    });
    this.running.set(run, state);
  }

  private async flushBatch(batch: Pending<T, R, G>[], rows: number, bytes: number, prepared: () => void): Promise<void> {
    try {
      const parts: BatchPart<G>[] = [];
      let end = 0;
      for (const p of batch) parts.push({ start: end, end: (end += p.items.length), tag: p.tag });
      const results = await this.opts.flush(batch.flatMap((p) => p.items), prepared, parts);
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
      await Promise.all([...this.running.keys()]);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.waiters.forEach((r) => r());
  }
}
