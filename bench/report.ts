// The benchmark's table: printed and written to bench/last-run.md (the README quotes it).

import fs from 'node:fs';
import path from 'node:path';
import type { QueryTiming } from './queries';

export interface IngestRow {
  path: string;
  rate: number | null;
  note?: string;
  /** Its ratio to the raw rate when not rate / rawRate (the median of per-round ratios). */
  ratio?: number;
}

export interface Report {
  startedAt: string;
  machine: string;
  scale: string;
  events: number;
  avgBytes: number;
  rawRate: number;
  ingest: IngestRow[];
  latency: { mode: string; p50: number; p99: number; n: number }[];
  queries: { label: string; timings: QueryTiming[] }[];
  notes: string[];
}

const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');

export function renderReport(r: Report): string {
  const out: string[] = [];
  out.push(`# Cashtrace benchmark (${r.scale} scale)`, '');
  out.push(`Run ${r.startedAt} on ${r.machine}. Every rate below is measured in this one run on the same ${f0(r.events)} simulator events (~${f0(r.avgBytes)} bytes as NDJSON).`, '');
  out.push('## Ingest rate', '', '| path | events/s | ratio to raw insert |', '|---|---:|---:|');
  for (const row of r.ingest) {
    const ratio = row.rate === null ? '–' : `${Math.round((row.ratio ?? row.rate / r.rawRate) * 100)}%`;
    out.push(`| ${row.path}${row.note ? ` (${row.note})` : ''} | ${row.rate === null ? '–' : f0(row.rate)} | ${ratio} |`);
  }
  out.push('', '## Ingest-to-visible latency', '', '| mode | p50 ms | p99 ms | samples |', '|---|---:|---:|---:|');
  for (const l of r.latency) out.push(`| ${l.mode} | ${ms(l.p50)} | ${ms(l.p99)} | ${l.n} |`);
  if (r.queries.length) {
    out.push('', '## Query latency (in-process, ms)', '');
    const header = ['query', 'variant', ...r.queries.flatMap((q) => [`${q.label} p50`, `${q.label} p95`])];
    out.push(`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
    const keys = [...new Map(r.queries.flatMap((q) => q.timings.map((t) => [`${t.fn}\u0000${t.variant}`, t] as const))).keys()];
    for (const k of keys) {
      const [fn, variant] = k.split('\u0000');
      const cells = r.queries.flatMap((q) => {
        const t = q.timings.find((x) => x.fn === fn && x.variant === variant);
        if (!t) return ['–', '–'];
        if (t.error) return [`error: ${t.error.replace(/\|/g, '/')}`, ''];
        return t.runs === 1 ? [`${ms(t.p50)} (1 run)`, '–'] : [ms(t.p50), ms(t.p95)];
      });
      out.push(`| ${fn} | ${variant} | ${cells.join(' | ')} |`);
    }
  }
  if (r.notes.length) out.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  return out.join('\n') + '\n';
}

/** Writes bench/<file> (a partial run, BENCH_ONLY, writes its own file and keeps last-run.md). */
export function writeReport(r: Report, file = 'last-run.md'): string {
  const text = renderReport(r);
  fs.writeFileSync(path.join(import.meta.dirname, file), text);
  return text;
}
