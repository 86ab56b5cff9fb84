// Collector throughput, when the collectors engineer provides collectors/bench.ts: each
// collector's native parse (events/s on one core) on the benchmark's events, reported
// beside the canonical endpoint. Absent file ⇒ nothing measured, said so in the log.

import fs from 'node:fs';
import path from 'node:path';
import type { CanonicalEvent } from '../lib/events/schema';
import type { IngestRow } from './report';

export async function benchCollectors(events: CanonicalEvent[], log: (l: string) => void): Promise<IngestRow[]> {
  const file = path.resolve(import.meta.dirname, '..', 'collectors', 'bench.ts');
  if (!fs.existsSync(file)) {
    log('collectors/bench.ts not present: collector throughput not measured');
    return [];
  }
  const mod = (await import(file)) as Record<string, unknown>;
  const fn = Object.values(mod).find((v) => typeof v === 'function') as ((events: CanonicalEvent[]) => Promise<unknown>) | undefined;
  if (!fn) return [];
  const result = await fn(events);
  const rows = Array.isArray(result) ? result : [];
  return rows.flatMap((r: { name?: string; collector?: string; rate?: number; eventsPerSecond?: number }) => {
    const rate = r.rate ?? r.eventsPerSecond;
    return typeof rate === 'number' ? [{ path: `collector ${r.name ?? r.collector}: native parse + map`, rate, note: 'one core, no ingest' }] : [];
  });
}
