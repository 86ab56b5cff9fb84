// `npm run bench:clocks`: p50/p95 of the clock-heavy queries (stuck, SLA, leakage, KPIs,
// flows) and of a clock refresh round of one deal, unfiltered and for one customer (the
// full bench's), at one volume
// (BENCH_CLOCK_EVENTS, default 1M), without the ingest part of
// `npm run bench`. BENCH_STORE_DIR keeps the loaded store between runs (loaded once);
// BENCH_COMPARE_ROOT names another checkout (e.g. the parent commit, with a node_modules
// link) whose lib/queries (and clocks' round) are timed in the same process, round by round, against this
// one's: before/after on the same data and the same machine load.

import path from 'node:path';
import { env } from '../lib/env';
import type { Store } from '../lib/clickhouse/client';
import { z } from 'zod';
import { sql } from '../lib/clickhouse/sql';
import { STUCK_RULE_NAMES } from '../lib/stuck/rules';
import { benchCustomer, benchDeals, openBenchStore } from './data';
import { percentile } from './ingest';

const log = (l: string) => console.log(`[bench:clocks] ${l}`);
const ROOT = path.resolve(import.meta.dirname, '..');

type Fn = (store: Store, params: unknown) => Promise<unknown>;
type DealFn = (store: Store, correlationId: string, o: { now: Date }) => Promise<unknown>;
const EVERY_QUEUE = STUCK_RULE_NAMES.join(',');
/** The user the bench assigns one stuck item in ten to (seedAssignments). */
const ASSIGNEE = 'bench-finance';
/** The PMO user the bench assigns one unstaffed project in ten to (seedUnstaffedAssignments). */
const PMO_ASSIGNEE = 'bench-pmo';
/**
 * BENCH_OWN_POLICY=1: an SLA policy of one's own (milestone → invoice in 8 business hours) is
 * enabled for the run (its clock built, as the refresher would; one in ten of its open
 * breaches assigned to ASSIGNEE), and disabled after: the store's other figures stay the nine's.
 */
const OWN_POLICY = {
  id: 'bench-milestones-invoiced-in-a-day',
  name: 'Bench: milestones invoiced within a day',
  start_events: ['milestone.completed'],
  end_events: ['invoice.issued'],
  match: 'record',
  anchor: 'occurred_at',
  threshold_hours: 8,
  unit: 'business',
  severity: 'low',
};
/** `deal`: called (store, a typical deal's id, { now }), not (store, params); unfiltered only. */
const CALLS: { file: string; fn: string; label?: string; params: Record<string, unknown>; deal?: true; dir?: 'clocks' }[] = [
  // a clock refresh round of one deal (what follows every write: the floor of the snapshot's
  // freshness), every clock's intervals of the deal computed again and stored (since 2026-12-07)
  { dir: 'clocks', file: 'build', fn: 'refreshDeals', label: 'clock refresh round, typical deal', params: {}, deal: true },
  { file: 'get-kpis', fn: 'getKpis', params: {} },
  { file: 'get-stuck-summary', fn: 'getStuckSummary', params: {} },
  { file: 'get-stuck-items', fn: 'getStuckItems', params: { rule: 'invoice-not-collected' } },
  // "assigned to me" on /stuck: every queue's items filtered to one assignee; beside it the
  // same queues unfiltered (a checkout without the filter, BENCH_COMPARE_ROOT, reads both so)
  { file: 'get-stuck-items', fn: 'getStuckItems', label: 'getStuckItems every queue, one assignee', params: { rules: EVERY_QUEUE, assignee: ASSIGNEE } },
  { file: 'get-stuck-items', fn: 'getStuckItems', label: 'getStuckItems every queue', params: { rules: EVERY_QUEUE } },
  { file: 'get-stuck-items', fn: 'getStuckItems', label: 'getStuckItems every queue, needs work', params: { rules: EVERY_QUEUE, state: 'active' } },
  // the nav's count (every 30 s for each signed-in user who takes actions): one assignee's items needing work
  { file: 'get-stuck-items', fn: 'getStuckItems', label: 'getStuckItems every queue, one assignee, needs work', params: { rules: EVERY_QUEUE, assignee: ASSIGNEE, state: 'active', limit: 1 } },
  // … for a user nothing was ever assigned to (most users): answered from the exceptions alone
  { file: 'get-stuck-items', fn: 'getStuckItems', label: 'getStuckItems every queue, an assignee holding nothing, needs work', params: { rules: EVERY_QUEUE, assignee: 'bench-nobody', state: 'active', limit: 1 } },
  // who holds the stuck work (/stuck): every queue grouped by assignee
  { file: 'get-stuck-items', fn: 'getStuckWorkload', params: {} },
  { file: 'get-sla-breaches', fn: 'getSlaBreaches', params: {} },
  // the open breaches (each of the nine policies' a stuck item, read with its workflow state since 2026-12-06)
  { file: 'get-sla-breaches', fn: 'getSlaBreaches', label: 'getSlaBreaches open', params: { kind: 'open' } },
  // /sla's "assigned to" filter: one assignee's open breaches needing work (counted apart from the figures, since 2026-12-07)
  { file: 'get-sla-breaches', fn: 'getSlaBreaches', label: 'getSlaBreaches open, one assignee, needs work', params: { kind: 'open', assignee: ASSIGNEE, state: 'active' } },
  // the nav's SLA count (every 30 s for each user who takes actions): the open breaches of the
  // policies of one's own assigned to one, needing work — a firm with none but the nine, or with
// BENCH_OWN_POLICY=1 one such policy
  { file: 'get-sla-breaches', fn: 'getSlaBreaches', label: "getSlaBreaches one's own policies, one assignee, needs work", params: { own: '1', kind: 'open', assignee: ASSIGNEE, state: 'active', limit: 1 } },
  // … as the nav asks since 2026-12-07 (figures=0: the count alone), for that assignee and for
  // one who holds queue items only (no breach of one's own policies: nothing read)
  { file: 'get-sla-breaches', fn: 'getSlaBreaches', label: "getSlaBreaches one's own policies, one assignee, needs work, figures=0", params: { own: '1', kind: 'open', assignee: ASSIGNEE, state: 'active', limit: 1, figures: '0' } },
  { file: 'get-sla-breaches', fn: 'getSlaBreaches', label: "getSlaBreaches one's own policies, an assignee holding queue items only, needs work, figures=0", params: { own: '1', kind: 'open', assignee: 'bench-user-1', state: 'active', limit: 1, figures: '0' } },
  // a deal's open records (the journey's card): the nine's clocks and, since 2026-12-07, the policies of one's own
  { file: 'get-deal-open-items', fn: 'getDealOpenItems', label: 'getDealOpenItems typical deal', params: {}, deal: true },
  // everyone's assigned work needing it (the assigned_work alert's one read per pass, there of up to 5,000; 1,000 is the API's most)
  { file: 'get-stuck-items', fn: 'getStuckItems', label: 'getStuckItems every queue, assigned to someone, needs work', params: { rules: EVERY_QUEUE, assignee: '*', state: 'active', limit: 1000, sort: 'late' } },
  // the PMO's unstaffed projects: unfiltered, and "assigned to me" (one assignee's, needing work)
  { file: 'get-unstaffed-projects', fn: 'getUnstaffedProjects', label: 'getUnstaffedProjects', params: {} },
  { file: 'get-unstaffed-projects', fn: 'getUnstaffedProjects', label: 'getUnstaffedProjects one assignee, needs work', params: { assignee: PMO_ASSIGNEE, state: 'active' } },
  { file: 'get-leakage', fn: 'getLeakage', params: {} },
  { file: 'get-flows', fn: 'getFlows', params: {} },
  { file: 'get-flow-failures', fn: 'getFlowFailures', params: { flow_source: 'psa', flow_target: 'erp' } },
];
/** Contract schemas that fill defaults (limit, sort) the way the routes do. */
const SCHEMAS: Record<string, [string, string]> = {
  getKpis: ['kpis', 'kpisQuerySchema'],
  getStuckSummary: ['stuck', 'stuckQuerySchema'],
  getStuckItems: ['stuck', 'stuckQuerySchema'],
  getStuckWorkload: ['stuck', 'stuckWorkloadQuerySchema'],
  getSlaBreaches: ['sla', 'slaBreachesQuerySchema'],
};

/** Each call unfiltered (`all`) and for one customer (`customer`). */
const VARIANTS = ['all', 'customer'] as const;

async function load(store: Store, root: string, customer: string, dealId: string): Promise<{ label: string; variant: string; run: (store: Store, now: Date) => Promise<unknown> }[]> {
  const out = [];
  for (const c of CALLS) {
    const mod = (await import(path.join(root, 'lib', c.dir ?? 'queries', `${c.file}.ts`))) as Record<string, unknown>;
    if (c.dir === 'clocks') {
      // that checkout's clocks, as its refresher would hold them
      const { allClocks } = (await import(path.join(root, 'lib', 'clocks', 'registry.ts'))) as { allClocks: (s: Store) => Promise<unknown> };
      const set = await allClocks(store);
      const refresh = mod[c.fn] as (s: Store, set: unknown, ids: string[]) => Promise<void>;
      out.push({ label: c.label ?? c.fn, variant: 'all', run: (s: Store) => refresh(s, set, [dealId]) });
      continue;
    }
    const cs = SCHEMAS[c.fn];
    const own = Object.entries(mod).find(([k]) => /(Params|Query)Schema$/.test(k))?.[1];
    const schema = cs ? ((await import(path.join(root, 'lib', 'contracts', `${cs[0]}.ts`))) as Record<string, unknown>)[cs[1]] : own;
    const parse = (schema as { parse?: (v: unknown) => unknown } | undefined)?.parse;
    const f = mod[c.fn] as Fn | undefined;
    // a compared checkout older than the query has none: its rows say so
    if (typeof f !== 'function') continue;
    if (c.deal) {
      out.push({ label: c.label ?? c.fn, variant: 'all', run: (store: Store, now: Date) => (f as unknown as DealFn)(store, dealId, { now }) });
      continue;
    }
    for (const variant of VARIANTS) {
      const raw = variant === 'customer' ? { ...c.params, customer } : c.params;
      // a compared checkout whose contract refuses the parameters (a filter it has not) has no such query
      let params: unknown;
      try {
        params = parse ? parse.call(schema, raw) : raw;
      } catch {
        continue;
      }
      out.push({ label: c.label ?? c.fn, variant, run: (store: Store, now: Date) => f(store, { ...(params as object), now }) });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const e = env();
  const { store, now, close } = await openBenchStore({ dir: e.BENCH_STORE_DIR, events: e.BENCH_CLOCK_EVENTS, settleS: e.BENCH_SETTLE_S, log });
  const customer = await benchCustomer(store);
  log(`one customer: "${customer}"`);
  await seedAssignments(store, now);
  await seedUnstaffedAssignments(store, now);
  const { dealId } = await benchDeals(store);
  log(`typical deal: ${dealId}`);
  const own = e.BENCH_OWN_POLICY ? await enableOwnPolicy(store, now) : null;
  try {
    const sides = [{ name: 'this checkout', calls: await load(store, ROOT, customer, dealId) }];
    if (e.BENCH_COMPARE_ROOT) sides.unshift({ name: `compare (${e.BENCH_COMPARE_ROOT})`, calls: await load(store, e.BENCH_COMPARE_ROOT, customer, dealId) });
    await timeAll(store, now, sides);
  } finally {
    if (own) await own.disable();
  }
  await kpiParts(store, now);
  await close();
}

type Side = { name: string; calls: Awaited<ReturnType<typeof load>> };

/** Each side's calls, round by round (warm-up rounds first), then the table of p50/p95. */
async function timeAll(store: Store, now: Date, sides: Side[]): Promise<void> {
  const rounds = 7;
  const times = new Map<string, number[]>();
  // warm-up: a fresh process runs the first few calls of each query 1.5–2× slower (chDB's
  // caches and allocator), a running server does not; three untimed rounds, then the timed ones
  for (let r = 0; r < 3; r++) for (const s of sides) for (const c of s.calls) await c.run(store, now);
  for (let r = 0; r < rounds; r++) {
    for (const s of sides) {
      for (const c of s.calls) {
        const t = performance.now();
        await c.run(store, now);
        const k = `${c.label}\t${c.variant}\t${s.name}`;
        times.set(k, [...(times.get(k) ?? []), performance.now() - t]);
      }
    }
  }
  console.log('| query | variant | side | p50 ms | p95 ms | runs |\n|---|---|---|---:|---:|---:|');
  for (const c of CALLS) {
    for (const variant of c.deal ? (['all'] as const) : VARIANTS) {
      for (const s of sides) {
        const label = c.label ?? c.fn;
        const t = (times.get(`${label}\t${variant}\t${s.name}`) ?? []).sort((a, b) => a - b);
        if (t.length === 0) console.log(`| ${label} | ${variant} | ${s.name} | — | — | 0 (no such query there) |`);
        else console.log(`| ${label} | ${variant} | ${s.name} | ${percentile(t, 50).toFixed(0)} | ${percentile(t, 95).toFixed(0)} | ${t.length} |`);
      }
    }
  }
}

/** OWN_POLICY enabled, its clock built and one in ten of its open breaches assigned to ASSIGNEE; `disable` after. */
async function enableOwnPolicy(store: Store, now: Date): Promise<{ disable: () => Promise<unknown> }> {
  const { saveSlaPolicy } = await import('../lib/queries/save-sla-policy');
  const { getSlaPolicies } = await import('../lib/queries/get-sla-policies');
  const { getSlaBreaches } = await import('../lib/queries/get-sla-breaches');
  const { applyExceptionChange } = await import('../lib/actions/exceptions');
  const { buildMissing } = await import('../lib/clocks/build');
  const { allClocks } = await import('../lib/clocks/registry');
  const exists = (await getSlaPolicies(store, { id: OWN_POLICY.id })).length > 0;
  await saveSlaPolicy(store, { input: { ...OWN_POLICY, enabled: true }, mode: exists ? 'update' : 'create', by: 'bench' });
  const t = performance.now();
  const built = await buildMissing(store, await allClocks(store));
  const open = (await getSlaBreaches(store, { policy: OWN_POLICY.id, kind: 'open', limit: 1000, now: now.toISOString() })).breaches;
  let assigned = 0;
  for (const [i, b] of open.entries()) {
    if (i % 10 !== 0 || b.assignee === ASSIGNEE) continue;
    await applyExceptionChange(store, { exception_id: b.exception_id, kind: 'assign', assignee: ASSIGNEE, by: 'bench', action_id: `bench-own-${i}` });
    assigned++;
  }
  log(`one SLA policy of one's own enabled (${OWN_POLICY.id}): ${built.length} clock(s) built in ${((performance.now() - t) / 1000).toFixed(1)} s, ${open.length} open breaches read, ${assigned} more assigned to ${ASSIGNEE}`);
  return { disable: () => saveSlaPolicy(store, { input: { ...OWN_POLICY, enabled: false }, mode: 'update', by: 'bench' }) };
}

/**
 * Assignments as a team makes them: up to 2,000 stuck items of every queue (most money first)
 * assigned through the exception workflow, one in ten to ASSIGNEE, the rest among 19 others;
 * then one in five of them snoozed for a day and one in seven resolved. Once per store (a kept
 * BENCH_STORE_DIR has them).
 */
async function seedAssignments(store: Store, now: Date): Promise<void> {
  const [{ n }] = await store.query(sql`SELECT count() AS n FROM exceptions WHERE updated_by = 'bench'`, z.object({ n: z.coerce.number() }));
  if (n > 0) return log(`assignments: ${n} exception rows from an earlier run`);
  const { getStuckItems } = await import('../lib/queries/get-stuck-items');
  const { applyExceptionChange } = await import('../lib/actions/exceptions');
  const t = performance.now();
  const items = (await getStuckItems(store, { rules: [...STUCK_RULE_NAMES], limit: 2000, now: now.toISOString() })).items;
  for (const [i, item] of items.entries()) {
    const assignee = i % 10 === 0 ? ASSIGNEE : `bench-user-${i % 19}`;
    await applyExceptionChange(store, { exception_id: item.id, kind: 'assign', assignee, by: 'bench', action_id: `bench-${i}`, stuck_since: item.since });
    if (i % 5 === 1) await applyExceptionChange(store, { exception_id: item.id, kind: 'snooze', until: new Date(now.getTime() + 86_400_000).toISOString(), by: 'bench', action_id: `bench-s${i}` });
    else if (i % 7 === 2) await applyExceptionChange(store, { exception_id: item.id, kind: 'resolve', resolution_code: 'fixed_in_source', by: 'bench', action_id: `bench-r${i}` });
  }
  log(`assignments: ${items.length} stuck items assigned (${Math.ceil(items.length / 10)} to ${ASSIGNEE}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** Likewise up to 1,000 unstaffed projects (biggest first): one in ten to PMO_ASSIGNEE, the rest among 7 others, one in five snoozed. Once per store. */
async function seedUnstaffedAssignments(store: Store, now: Date): Promise<void> {
  const [{ n }] = await store.query(sql`SELECT count() AS n FROM exceptions WHERE updated_by = 'bench-pmo'`, z.object({ n: z.coerce.number() }));
  if (n > 0) return log(`unstaffed assignments: ${n} exception rows from an earlier run`);
  const { getUnstaffedProjects } = await import('../lib/queries/get-unstaffed-projects');
  const { applyExceptionChange } = await import('../lib/actions/exceptions');
  const items = (await getUnstaffedProjects(store, { limit: 1000, now: now.toISOString() })).items;
  for (const [i, item] of items.entries()) {
    await applyExceptionChange(store, { exception_id: item.id, kind: 'assign', assignee: i % 10 === 0 ? PMO_ASSIGNEE : `bench-pmo-${i % 7}`, by: 'bench-pmo', action_id: `bench-pmo-${i}`, stuck_since: item.since });
    if (i % 5 === 1) await applyExceptionChange(store, { exception_id: item.id, kind: 'snooze', until: new Date(now.getTime() + 86_400_000).toISOString(), by: 'bench-pmo', action_id: `bench-pmo-s${i}` });
  }
  log(`unstaffed assignments: ${items.length} projects assigned (${Math.ceil(items.length / 10)} to ${PMO_ASSIGNEE})`);
}

/**
 * Where getKpis' time goes: each of its parts run alone (this checkout, default filters),
 * median of 5 after a warm-up. getKpis runs them as three queries (lib/clickhouse/parts.ts runEach).
 */
async function kpiParts(store: Store, now: Date): Promise<void> {
  const { aggregateParts, dsoPart, KPI_SETTINGS } = await import('../lib/queries/get-kpis');
  const { cohortPart } = await import('../lib/queries/get-cash-waterfall');
  const { runPart } = await import('../lib/clickhouse/parts');
  const { kpiWindow } = await import('../lib/queries/kpi-window');
  const { clockReader } = await import('../lib/clocks/read');
  const w = kpiWindow({}, now);
  const read = await clockReader(store, { tallies: true });
  const jobs: [string, () => Promise<unknown>][] = Object.entries(aggregateParts(w, {}, now, read)).map(([k, q]) => [
    k,
    () => store.query(sql`SELECT * FROM (${q}) ${KPI_SETTINGS}`),
  ]);
  jobs.push(['dso', () => runPart(store, dsoPart(w, {}, now, read.findings), { settings: KPI_SETTINGS })], ['cohort', () => runPart(store, cohortPart({ from: w.from, to: w.to, now }, read.findings), { settings: KPI_SETTINGS })]);
  console.log('\n| getKpis part (alone) | median ms |\n|---|---:|');
  for (const [name, run] of jobs) {
    await run();
    const t: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await run();
      t.push(performance.now() - s);
    }
    console.log(`| ${name} | ${percentile(t.sort((a, b) => a - b), 50).toFixed(0)} |`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[bench:clocks] failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
