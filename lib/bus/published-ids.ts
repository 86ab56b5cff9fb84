// The event IDs this process published to JetStream that are durable in the stream but not
// yet known stored in ClickHouse. The ingest route's pre-check asks the store which IDs are
// committed; an event still on its way from the stream to the store is not there yet, so a
// copy re-sent meanwhile would be answered as accepted (and stored once all the same: the
// writer dedups). With these, it is answered as the duplicate it is: its first copy is
// durable already. Two requests holding the same event publish it side by side: the first
// acknowledgement takes it, the other is answered a duplicate.
//
// A message's IDs are released when this process's writer has stored it; a process
// without the writer (or a message another process writes) keeps them for `ttlMs`, and
// at most `maxIds` in all (the oldest go first) — past that the answer falls back to the
// store's committed IDs, which is what a process that did not publish the event sees too.

export interface PublishedIdsOptions {
  ttlMs: number;
  maxIds: number;
}

interface Message {
  ids: string[];
  at: number;
}

export class PublishedIds {
  /** event ID → the stream sequence of the message that took it */
  private readonly owner = new Map<string, number>();
  /** by stream sequence, in the order acknowledged (the oldest first) */
  private readonly messages = new Map<number, Message>();

  constructor(
    private readonly opts: PublishedIdsOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.owner.size;
  }

  /**
   * The message at `seq` is in the stream with these events: per event, true when it is a
   * duplicate, else the event is taken by this message. `duplicateMessage`: whether
   * JetStream acknowledged the message as one it had stored before (the same IDs' message) —
   * 'yes': every event is a duplicate; 'unless-ours': a retried publish, most likely its own
   * earlier attempt stored with the acknowledgement lost, so only events an earlier message
   * of this process holds are; 'no': a new message, the same.
   */
  acknowledged(seq: number, ids: readonly string[], duplicateMessage: 'no' | 'yes' | 'unless-ours'): boolean[] {
    const now = this.now();
    this.expire(now);
    const flags = new Array<boolean>(ids.length);
    let msg = this.messages.get(seq);
    for (let i = 0; i < ids.length; i++) {
      const holder = this.owner.get(ids[i]);
      const held = holder !== undefined;
      flags[i] = duplicateMessage === 'yes' || held;
      if (held) continue;
      this.owner.set(ids[i], seq);
      if (!msg) {
        msg = { ids: [], at: now };
        this.messages.set(seq, msg);
      }
      msg.ids.push(ids[i]);
    }
    this.trim();
    return flags;
  }

  /** Those of `ids` durable in the stream and not yet known stored. */
  held(ids: Iterable<string>): Set<string> {
    this.expire(this.now());
    const found = new Set<string>();
    if (this.owner.size === 0) return found;
    for (const id of ids) if (this.owner.has(id)) found.add(id);
    return found;
  }

  /** The message at `seq` is stored in ClickHouse: its events are answered from the store now. */
  stored(seq: number): void {
    const msg = this.messages.get(seq);
    if (!msg) return;
    this.drop(seq, msg);
  }

  private drop(seq: number, msg: Message): void {
    this.messages.delete(seq);
    for (const id of msg.ids) if (this.owner.get(id) === seq) this.owner.delete(id);
  }

  private expire(now: number): void {
    for (const [seq, msg] of this.messages) {
      if (now - msg.at < this.opts.ttlMs) return;
      this.drop(seq, msg);
    }
  }

  private trim(): void {
    for (const [seq, msg] of this.messages) {
      if (this.owner.size <= this.opts.maxIds) return;
      this.drop(seq, msg);
    }
  }
}
