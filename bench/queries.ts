// The query benchmark: every exported get* function of lib/queries, called in-process
// against the loaded store, with the default filters and with a selective one. Modules
// and functions are discovered at run time; functions whose signature is not the common
// (store, params) shape get an entry in SPECIAL below (add one line per new shape).

import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../lib/clickhouse/client';
import { EXPECTED_PATH } from '../lib/events/stages';
import { pathParam } from '../lib/queries/deal-path';
import { percentile } from './ingest';

export interface QueryContext {
  store: Store;
  now: Date;
  /** A typical deal, and the deal with the most events (journey lookups). */
  dealId: string;
  bigDealId: string;
  /** One customer (a few dozen deals at 1M events): the selective filter. */
  customer: string;
  traceId: string;
}

export interface Variant {
  name: string;
  run: () => Promise<unknown>;
}

type AnyFn = (...args: unknown[]) => Promise<unknown>;
type Special = (fn: AnyFn, c: QueryContext, mod: Record<string, unknown>) => Variant[];

const ROOT = path.resolve(import.meta.dirname, '..');

/** Parses params with the route's own zod schema when the module or its contract exports one. */
function withSchema(schema: unknown, params: Record<string, unknown>): unknown {
  const s = schema as { parse?: (v: unknown) => unknown } | undefined;
  return s?.parse ? s.parse(params) : params;
}

async function contract(name: string, schema: string): Promise<unknown> {
  try {
    const mod = (await import(path.join(ROOT, 'lib', 'contracts', `${name}.ts`))) as Record<string, unknown>;
    return mod[schema];
  } catch {
    return undefined;
  }
}

const filtersVariants = (fn: AnyFn, c: QueryContext, schema: unknown, extra: Record<string, unknown> = {}): Variant[] => [
  { name: 'default', run: () => fn(c.store, withSchema(schema, { ...extra })) },
  { name: 'customer', run: () => fn(c.store, withSchema(schema, { ...extra, customer: c.customer })) },
];

/** Functions whose arguments are not (store, filters-like params). */
const SPECIAL: Record<string, Special> = {
  getDeal: (fn, c) => [
    { name: 'typical deal', run: () => fn(c.store, c.dealId) },
    { name: 'largest deal', run: () => fn(c.store, c.bigDealId) },
  ],
  getDealEvents: (fn, c) => [
    { name: 'typical deal', run: () => fn(c.store, c.dealId) },
    { name: 'largest deal', run: () => fn(c.store, c.bigDealId) },
  ],
  getDealOpenItems: (fn, c) => [
    { name: 'typical deal', run: () => fn(c.store, c.dealId, { now: c.now }) },
    { name: 'largest deal', run: () => fn(c.store, c.bigDealId, { now: c.now }) },
  ],
  getDealTraces: (fn, c) => [{ name: 'typical deal', run: () => fn(c.store, { correlation_id: c.dealId }) }],
  getTrace: (fn, c) => [{ name: 'one trace', run: () => fn(c.store, { trace_id: c.traceId }) }],
  getCashWaterfall: (fn, c) => [
    { name: 'default', run: () => fn(c.store, { now: c.now }) },
    { name: 'customer', run: () => fn(c.store, { now: c.now, customer: c.customer }) },
  ],
  getBreakdowns: (fn, c) => [
    { name: 'default', run: () => fn(c.store, { now: c.now }) },
    { name: 'customer', run: () => fn(c.store, { now: c.now, customer: c.customer }) },
  ],
  getExceptionStates: (fn, c) => [{ name: '100 ids', run: () => fn(c.store, Array.from({ length: 100 }, (_, i) => `stuck:${i}`), c.now) }],
  getAlertActivity: (fn, c) => [{ name: 'default', run: () => fn(c.store) }],
  getSlaPolicies: (fn, c) => [{ name: 'default', run: () => fn(c.store, {}) }],
  getDeadLetter: (fn, c) => [{ name: 'unknown id', run: () => fn(c.store, { id: '00000000-0000-4000-8000-000000000000' }) }],
};

/** Contract schemas of the routes whose params module does not export its own. */
const CONTRACT_SCHEMAS: Record<string, [string, string]> = {
  getDeals: ['deals', 'dealsQuerySchema'],
  getKpis: ['kpis', 'kpisQuerySchema'],
  getStuckSummary: ['stuck', 'stuckQuerySchema'],
  getStuckItems: ['stuck', 'stuckQuerySchema'],
  getSlaBreaches: ['sla', 'slaBreachesQuerySchema'],
  getVariants: ['variants', 'variantsQuerySchema'],
};

/** More variants of a function: filters the shared filter bar does not have. */
const MORE: Record<string, { name: string; params: Record<string, unknown> }[]> = {
  // a variant's drill-down: the deals on one path (the milestone model's expected path, the most common one)
  getDeals: [{ name: 'one path', params: { billing_model: 'milestone', path: pathParam(EXPECTED_PATH.milestone) } }],
};

/** Extra params per function for its default run (e.g. the stuck list needs a rule). */
const EXTRA: Record<string, Record<string, unknown>> = {
  getStuckItems: { rule: 'invoice-not-collected' },
  getFlowFailures: { flow_source: 'psa', flow_target: 'erp' },
};

export interface QueryTarget {
  file: string;
  fn: string;
  variants: Variant[];
}

export async function discoverQueries(c: QueryContext): Promise<{ targets: QueryTarget[]; skipped: string[] }> {
  const dir = path.join(ROOT, 'lib', 'queries');
  const files = fs.readdirSync(dir).filter((f) => /^get-.*\.ts$/.test(f) && !f.includes('.test.')).sort();
  const targets: QueryTarget[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(path.join(dir, file))) as Record<string, unknown>;
    } catch (err) {
      skipped.push(`${file}: does not load (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    const ownSchema = Object.entries(mod).find(([k]) => /(Params|Query)Schema$/.test(k))?.[1];
    for (const [name, value] of Object.entries(mod)) {
      if (!/^get[A-Z]/.test(name) || typeof value !== 'function') continue;
      const fn = value as AnyFn;
      if (SPECIAL[name]) {
        targets.push({ file, fn: name, variants: SPECIAL[name](fn, c, mod) });
        continue;
      }
      const cs = CONTRACT_SCHEMAS[name];
      const schema = cs ? await contract(cs[0], cs[1]) : ownSchema;
      const more = (MORE[name] ?? []).map((m) => ({ name: m.name, run: () => fn(c.store, withSchema(schema, { ...EXTRA[name], ...m.params })) }));
      targets.push({ file, fn: name, variants: [...filtersVariants(fn, c, schema, EXTRA[name]), ...more] });
    }
  }
  return { targets, skipped };
}

export interface QueryTiming {
  fn: string;
  variant: string;
  p50: number;
  p95: number;
  runs: number;
  error?: string;
}

/**
 * Times each variant: `warmup` untimed calls, then up to `runs` timed ones (ms), stopping
 * early (after at least 3) once a variant has used `budgetMs`, so slow queries do not
 * stretch a 10M run into hours.
 */
export async function timeQueries(
  targets: QueryTarget[],
  o: { runs: number; warmup: number; budgetMs: number; log: (l: string) => void; previous?: QueryTiming[] },
): Promise<QueryTiming[]> {
  const out: QueryTiming[] = [];
  for (const t of targets) {
    for (const v of t.variants) {
      const times: number[] = [];
      let error: string | undefined;
      // A query that took seconds at the smaller volume runs once here, without warm-up.
      const prev = o.previous?.find((p) => p.fn === t.fn && p.variant === v.name);
      const slow = prev !== undefined && prev.p50 > 3000;
      if (prev !== undefined && prev.p50 > 20_000) {
        out.push({ fn: t.fn, variant: v.name, p50: NaN, p95: NaN, runs: 0, error: `skipped: p50 ${(prev.p50 / 1000).toFixed(0)} s at the smaller volume` });
        o.log(`  ${t.fn} (${v.name}): skipped (p50 ${(prev.p50 / 1000).toFixed(0)} s at the smaller volume)`);
        continue;
      }
      try {
        if (!slow) for (let i = 0; i < o.warmup; i++) await v.run();
        const started = performance.now();
        for (let i = 0; i < (slow ? 1 : o.runs); i++) {
          const s = performance.now();
          await v.run();
          times.push(performance.now() - s);
          if (i >= 2 && performance.now() - started > o.budgetMs) break;
        }
      } catch (err) {
        const issues = (err as { issues?: { path: unknown[]; message: string }[] }).issues;
        error = (issues ? issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : ((err as Error).message ?? String(err)).split('\n')[0]).slice(0, 120);
      }
      times.sort((a, b) => a - b);
      const row = { fn: t.fn, variant: v.name, p50: percentile(times, 50), p95: percentile(times, 95), runs: times.length, error };
      o.log(`  ${t.fn} (${v.name}): ${error ? `error: ${error}` : `p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms`}`);
      out.push(row);
    }
  }
  return out;
}
