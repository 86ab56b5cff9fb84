// Collector throughput through collectors/bench.ts (the collectors' own measure): each
// collector's parse ▶ map on one core, and its native signed requests POSTed to the
// running app (events/s stored) beside the canonical endpoint on the same events.

import type { CanonicalEvent } from '../lib/events/schema';
import type { IngestRow } from './report';
import type { AppServer } from './server';

/** Signing secrets the bench's app is started with (one per signed collector). */
export const BENCH_SECRETS: Record<string, string> = {
  stripe: 'whsec_bench_0123456789abcdef',
  hubspot: 'hubspot-bench-0123456789abcdef',
  docusign: 'docusign-bench-0123456789abcdef',
  quickbooks: 'quickbooks-bench-0123456789abcdef',
  xero: 'xero-bench-0123456789abcdef',
  netsuite: 'netsuite-bench-0123456789abcdef',
};

export function secretEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(BENCH_SECRETS).map(([k, v]) => [`CASHTRACE_${k.toUpperCase()}_SECRET`, v]));
}

type Mod = {
  benchCollectorParsing?: (events: CanonicalEvent[]) => Promise<{ collector: string; eventsPerSecond: number; events: number }[]>;
  benchCollectors?: (baseUrl: string, events: CanonicalEvent[], o: { token: string; secrets: Record<string, string>; log: (l: string) => void }) => Promise<{ collector: string; eventsPerSecond: number; events: number; ratioToCanonical?: number; canonicalEventsPerSecond?: number }[]>;
};

async function load(log: (l: string) => void): Promise<Mod | null> {
  try {
    return (await import('../collectors/bench')) as Mod;
  } catch (err) {
    log(`collectors/bench.ts not usable (${(err as Error).message.split('\n')[0]}): collector throughput not measured`);
    return null;
  }
}

export async function collectorParsing(events: CanonicalEvent[], log: (l: string) => void): Promise<IngestRow[]> {
  const mod = await load(log);
  if (!mod?.benchCollectorParsing) return [];
  log('collector parse ▶ map throughput (in process, one core) …');
  const rows = await mod.benchCollectorParsing(events);
  return rows.map((r) => ({ path: `collector ${r.collector}: parse ▶ map only`, rate: r.eventsPerSecond, note: `${r.events} events, one core, no HTTP or ingest` }));
}

export async function collectorHttp(app: AppServer, events: CanonicalEvent[], log: (l: string) => void): Promise<IngestRow[]> {
  const mod = await load(log);
  if (!mod?.benchCollectors) return [];
  log(`collectors over HTTP into the embedded app (${events.length} events, each collector's share) …`);
  const rows = await mod.benchCollectors(app.url, events, { token: app.token, secrets: BENCH_SECRETS, log: (l) => log(`  ${l}`) });
  return rows.map((r) => ({
    path: `collector ${r.collector}: native signed requests ▶ stored`,
    rate: r.eventsPerSecond,
    note: `${r.events} events; canonical endpoint on the same events ${Math.round(r.canonicalEventsPerSecond ?? 0)}/s, ratio ${(r.ratioToCanonical ?? 0).toFixed(2)}`,
  }));
}
