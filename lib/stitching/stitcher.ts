// Stitching (DOMAIN.md §2): entity keys and refs form a graph; a deal is a connected
// component holding an anchor (a middleware-stamped correlation ID, else an
// opportunity, else a quote). Union-find in memory, rebuilt from ClickHouse at start.
// Components without an anchor are orphans (correlation_id ''); when a link appears
// they join their deal, and the writer moves their stored rows ("moves").

import { CORRELATION_PREFIX } from '../events/entity-key';

/** Internal node standing for a correlation ID already stored in ClickHouse. */
const STORED = '\u0001stored:';

export type Move =
  | { kind: 'adopt-orphans'; keys: string[]; to: string }
  | { kind: 'rename'; from: string; to: string };

interface Root {
  size: number;
  anchor: string | null;
  /**
   * Correlation IDs under which rows of this component are stored in ClickHouse. The sets
   * are made when first needed: most keys are joined to another component in the batch
   * that brings them, and two empty sets per key were most of what linking allocated.
   */
  stored: Set<string> | null;
  /** Keys whose events are stored as orphans (correlation_id ''). */
  orphanKeys: Set<string> | null;
}

function addTo(set: Set<string> | null, value: string): Set<string> {
  if (set === null) return new Set([value]);
  set.add(value);
  return set;
}

/** `into` with every member of `from` (either may be reused; null is empty). */
function merged(into: Set<string> | null, from: Set<string> | null): Set<string> | null {
  if (from === null || from.size === 0) return into;
  if (into === null || into.size === 0) return from;
  for (const v of from) into.add(v);
  return into;
}

export interface StitchInput {
  entity_key: string;
  refs: readonly string[];
  stamped_correlation_id: string;
}

function anchorRank(key: string): number {
  if (key.startsWith(CORRELATION_PREFIX)) return 0;
  const a = key.indexOf(':');
  if (a < 0) return 9;
  const b = key.indexOf(':', a + 1);
  const type = b < 0 ? key.slice(a + 1) : key.slice(a + 1, b);
  if (type === 'opportunity' || type === 'deal') return 1;
  if (type === 'quote') return 2;
  return 9;
}

function betterAnchor(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  const ra = anchorRank(a);
  const rb = anchorRank(b);
  if (ra !== rb) return ra < rb ? a : b;
  return a < b ? a : b;
}

export function correlationIdOf(anchor: string | null): string {
  if (anchor === null) return '';
  return anchor.startsWith(CORRELATION_PREFIX) ? anchor.slice(CORRELATION_PREFIX.length) : anchor;
}

export class Stitcher {
  private parent = new Map<string, string>();
  private roots = new Map<string, Root>();
  private dirty = new Set<string>();
  /** Links blocked by a manual split ("a\u0000b", both directions). */
  private blocked = new Set<string>();

  get size(): number {
    return this.parent.size;
  }

  private add(key: string): void {
    if (this.parent.has(key)) return;
    this.parent.set(key, key);
    const rank = key.startsWith(STORED) ? 9 : anchorRank(key);
    this.roots.set(key, { size: 1, anchor: rank < 9 ? key : null, stored: null, orphanKeys: null });
  }

  find(key: string): string {
    let root = key;
    let p = this.parent.get(root);
    if (p === undefined) return key;
    while (p !== root) {
      root = p;
      p = this.parent.get(root)!;
    }
    // path compression
    let cur = key;
    while (cur !== root) {
      const next = this.parent.get(cur)!;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }

  private union(a: string, b: string): string {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    let ia = this.roots.get(ra)!;
    let ib = this.roots.get(rb)!;
    if (ia.size < ib.size) {
      [ra, rb] = [rb, ra];
      [ia, ib] = [ib, ia];
    }
    this.parent.set(rb, ra);
    ia.size += ib.size;
    ia.anchor = betterAnchor(ia.anchor, ib.anchor);
    ia.stored = merged(ia.stored, ib.stored);
    ia.orphanKeys = merged(ia.orphanKeys, ib.orphanKeys);
    this.roots.delete(rb);
    this.dirty.delete(rb);
    this.dirty.add(ra);
    return ra;
  }

  /** A manual split: the link between a and b is wrong and is never followed again. */
  block(a: string, b: string): void {
    this.blocked.add(`${a}\u0000${b}`);
    this.blocked.add(`${b}\u0000${a}`);
  }

  isBlocked(a: string, b: string): boolean {
    return this.blocked.has(`${a}\u0000${b}`);
  }

  private link(ev: StitchInput): string {
    this.add(ev.entity_key);
    for (const r of ev.refs) {
      if (this.blocked.size > 0 && this.isBlocked(ev.entity_key, r)) continue;
      this.add(r);
      this.union(ev.entity_key, r);
    }
    if (ev.stamped_correlation_id) {
      const k = CORRELATION_PREFIX + ev.stamped_correlation_id;
      this.add(k);
      this.union(ev.entity_key, k);
    }
    const root = this.find(ev.entity_key);
    this.dirty.add(root);
    return root;
  }

  /** The correlation ID a key resolves to now ('' for an orphan or an unknown key). */
  resolve(key: string): string {
    if (!this.parent.has(key)) return '';
    return correlationIdOf(this.roots.get(this.find(key))!.anchor);
  }

  /**
   * Links a batch, then returns each event's correlation ID and the moves the store
   * must make so rows stored earlier follow their component.
   */
  assign(events: readonly StitchInput[]): { correlationIds: string[]; moves: Move[] } {
    for (const ev of events) this.link(ev);
    const correlationIds = events.map((ev) => this.resolve(ev.entity_key));
    events.forEach((ev, i) => {
      const root = this.roots.get(this.find(ev.entity_key))!;
      const corr = correlationIds[i];
      root.stored = addTo(root.stored, corr);
      if (corr === '') root.orphanKeys = addTo(root.orphanKeys, ev.entity_key);
    });
    return { correlationIds, moves: this.settle() };
  }

  /** Moves for every component whose stored rows sit under a stale correlation ID. */
  private settle(): Move[] {
    const moves: Move[] = [];
    for (const r of this.dirty) {
      const root = this.roots.get(r);
      if (!root) continue;
      const target = correlationIdOf(root.anchor);
      if (target === '' || root.stored === null) continue;
      for (const s of root.stored) {
        if (s === target) continue;
        if (s === '') moves.push({ kind: 'adopt-orphans', keys: [...(root.orphanKeys ?? [])], to: target });
        else moves.push({ kind: 'rename', from: s, to: target });
      }
      root.stored = new Set([target]);
      root.orphanKeys = null;
    }
    this.dirty.clear();
    return moves;
  }

  /** A manual merge: links a and b and returns the moves it causes. */
  connect(a: string, b: string): Move[] {
    this.addLink(a, b);
    return this.settle();
  }

  /** A manual merge replayed at rebuild (its moves, if any, come from recover()). */
  addLink(a: string, b: string): void {
    this.link({ entity_key: a, refs: [b], stamped_correlation_id: '' });
  }

  /** Rebuild: a key stored under a correlation ID. */
  loadResolvedKey(key: string, correlationId: string): void {
    this.add(key);
    const node = STORED + correlationId;
    this.add(node);
    this.union(key, node);
    const root = this.roots.get(this.find(key))!;
    root.stored = addTo(root.stored, correlationId);
  }

  /** Rebuild: an event stored as an orphan. */
  loadOrphan(ev: StitchInput): void {
    const root = this.roots.get(this.link(ev))!;
    root.stored = addTo(root.stored, '');
    root.orphanKeys = addTo(root.orphanKeys, ev.entity_key);
  }

  /** After a rebuild: moves left unfinished by a crash (rows stored under two IDs). */
  recover(): Move[] {
    return this.settle();
  }
}
