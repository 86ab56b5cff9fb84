// Lays out a trace's spans as a waterfall: depth-first by parent, children in start order,
// each with its depth. Spans whose parent is missing (not received, or from another
// trace) are shown as roots rather than dropped. Pure: used by the trace page.

export interface WaterfallInput {
  span_id: string;
  parent_span_id: string;
  offset_ms: number;
  duration_ms: number;
}

export type WaterfallRow<T extends WaterfallInput> = T & { depth: number; children: number };

export function layoutWaterfall<T extends WaterfallInput>(spans: readonly T[]): WaterfallRow<T>[] {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string, T[]>();
  const roots: T[] = [];
  for (const s of spans) {
    if (s.parent_span_id && s.parent_span_id !== s.span_id && ids.has(s.parent_span_id)) {
      const list = children.get(s.parent_span_id) ?? [];
      list.push(s);
      children.set(s.parent_span_id, list);
    } else {
      roots.push(s);
    }
  }
  const byStart = (a: T, b: T) => a.offset_ms - b.offset_ms || b.duration_ms - a.duration_ms || a.span_id.localeCompare(b.span_id);
  const out: WaterfallRow<T>[] = [];
  const seen = new Set<string>();
  const visit = (s: T, depth: number) => {
    if (seen.has(s.span_id)) return; // a cycle in bad input must not loop forever
    seen.add(s.span_id);
    const kids = (children.get(s.span_id) ?? []).sort(byStart);
    out.push({ ...s, depth, children: kids.length });
    for (const k of kids) visit(k, depth + 1);
  };
  for (const r of roots.sort(byStart)) visit(r, 0);
  // Spans caught in a parent cycle have no root: show them at the top level.
  for (const s of spans) if (!seen.has(s.span_id)) visit(s, 0);
  return out;
}

/** Tick positions (ms) for a time axis of `total` ms: 4–8 round steps. */
export function axisTicks(total: number): number[] {
  if (!(total > 0)) return [0];
  const raw = total / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => total / s <= 8) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = 0; t <= total + 1e-9; t += step) ticks.push(Math.round(t * 1000) / 1000);
  return ticks;
}
