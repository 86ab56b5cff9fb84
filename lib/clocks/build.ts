// Writing the clocks' snapshot (sql/046): every interval of a clock as intervals-sql.ts
// defines it, over all events received (`now` far in the future: nothing is cut off; the
// reader applies its own `now`). Two ways in:
// - buildClock: one clock over every deal (a new or changed definition, or a store loaded
//   without the writer), recorded in clock_builds when complete;
// - refreshDeals: every clock for a set of deals the writer just touched, reading only
//   those deals' events (events is ordered by correlation_id) through materialized CTEs.
// Both insert the new rows under a higher version, then delete the older copies (patch
// parts): a reader may see a deal's intervals twice for the milliseconds in between, never
// none.

import type { Store } from '../clickhouse/client';
import { sql, join, trustedSql, PATCH_DELETE, type Sql } from '../clickhouse/sql';
import { dealDimensionsSql, intervalsSql, type IntervalSource } from '../sla/intervals-sql';
import { defId, definitionOf, type ClockDef, type ClockSet } from './registry';
import { TALLY_BUILD_PREFIX, reconcileTallies, tallyBuildId, tallyDeltaSql } from './tallies';
import { OPEN_END, OPEN_END_SQL, findingSql } from './findings';
import { toReporting } from '../money/rates';
import { businessSeconds, holidayArraysWith } from '../sla/business-time';
import { viewSelect } from '../clickhouse/view-select';
import { oncePer } from '../once';
import { FLOW_RUNS_BUILD, buildFlowRuns, rebuildFlowAggregates, refreshFlowRuns } from './flow-runs';

const COLUMNS = trustedSql(`clock, version, correlation_id, entity_key, started_at, anchor_at, end_at, closed_hours,
  amount, currency, value, customer, region, practice, legal_entity, billing_model, detail, anchor_bs`);

/**
 * event_facts and event_refs (sql/042, 043) as their own views compute them from events: the
 * refresh reads the touched deals' events (by key) instead of the type-ordered copies. Read
 * from the schema once per store. The store keeps the texts, not Sql objects: another copy of
 * this module (Next.js bundles some twice; a compared checkout in bench:clocks) renders only
 * its own Sql class as SQL, and would take another's for a value.
 */
async function derivedSelects(store: Store): Promise<{ facts: Sql; refs: Sql }> {
  const text = await oncePer(
    store,
    'clocks.derivedSelectTexts',
    async () => ({ facts: await viewSelect(store, 'event_facts'), refs: await viewSelect(store, 'event_refs') }),
    { retryOnFailure: true },
  );
  return { facts: trustedSql(text.facts), refs: trustedSql(text.refs) };
}

let lastVersion = 0;
/** Versions only grow within a process (milliseconds, or one more than the last). */
export function nextVersion(): number {
  lastVersion = Math.max(Date.now(), lastVersion + 1);
  return lastVersion;
}

function rowsSql(def: ClockDef, version: number, source?: IntervalSource): Sql {
  if ('finding' in def) {
    const f = findingSql(def.finding, {
      facts: source?.facts ?? sql`event_facts`,
      refs: source?.refs ?? sql`event_refs`,
      where: sql`correlation_id != ''`,
      now: OPEN_END_SQL,
    });
    return sql`SELECT ${defId(def)} AS clock, ${version} AS version, f.correlation_id AS correlation_id, f.entity_key AS entity_key,
        f.at AS started_at, f.anchor AS anchor_at, f.settled_at AS end_at, toFloat64(0) AS closed_hours, f.amount AS amount,
        f.currency AS currency, ${toReporting(sql`f.amount`, sql`f.currency`)} AS value, d.customer AS customer, d.region AS region,
        d.practice AS practice, d.legal_entity AS legal_entity, d.billing_model AS billing_model, f.detail AS detail,
        toInt64(0) AS anchor_bs
      FROM (${f}) AS f
      INNER JOIN ${dealDimensionsSql(source?.deals)} AS d ON d.correlation_id = f.correlation_id`;
  }
  const iv = intervalsSql({ ...def.spec, threshold_hours: 0 }, { filters: {}, now: OPEN_END, scope: def.scope, source });
  return sql`SELECT ${defId(def)} AS clock, ${version} AS version, correlation_id, entity_key, started_at, anchor_at,
      ifNull(ended_at, ${OPEN_END_SQL}) AS end_at, if(is_open = 1, 0, elapsed_hours) AS closed_hours,
      amount, currency, value, customer, region, practice, legal_entity, billing_model, '' AS detail,
      ${def.spec.unit === 'business' ? businessSeconds(sql`anchor_at`, sql`holidays`, undefined, source?.holidayArrays) : sql`toInt64(0)`} AS anchor_bs
    FROM ${iv}`;
}

/**
 * No row a clock is computed from (events and the copies derived from them) and no interval
 * left of an earlier build: every clock built now would hold no row. Counts of whole tables
 * (read from the parts' metadata).
 */
async function nothingToBuildFrom(store: Store): Promise<boolean> {
  const [{ n }] = await store.query<{ n: string }>(
    sql`SELECT (SELECT count() FROM events) + (SELECT count() FROM event_facts) + (SELECT count() FROM event_refs)
      + (SELECT count() FROM clock_intervals) AS n`,
  );
  return Number(n) === 0;
}

export interface BuildResult {
  clock: string;
  rows: number;
  seconds: number;
}

/** Records these clocks built with no row (nothing to build them from: nothingToBuildFrom), in one insert. */
async function recordEmptyBuilds(store: Store, clocks: [string, ClockDef][]): Promise<BuildResult[]> {
  await store.command(sql`INSERT INTO clock_builds (clock, definition, built_at, rows, seconds)
    SELECT b.1, b.2, now64(3), 0, 0 FROM (SELECT arrayJoin(arrayZip(${clocks.map(([id]) => id)}, ${clocks.map(([, def]) => definitionOf(def))})) AS b)`);
  return clocks.map(([clock]) => ({ clock, rows: 0, seconds: 0 }));
}

/** Builds one clock over every deal and records the build. */
export async function buildClock(store: Store, def: ClockDef): Promise<BuildResult> {
  const started = performance.now();
  const id = defId(def);
  const v = nextVersion();
  await store.command(sql`INSERT INTO clock_intervals (${COLUMNS}) ${rowsSql(def, v)} SETTINGS enable_materialized_cte = 1`);
  await store.command(sql`DELETE FROM clock_intervals WHERE clock = ${id} AND version < ${v}`, PATCH_DELETE);
  const [{ n }] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM clock_intervals WHERE clock = ${id}`);
  const seconds = (performance.now() - started) / 1000;
  await store.command(sql`INSERT INTO clock_builds (clock, definition, built_at, rows, seconds)
    VALUES (${id}, ${definitionOf(def)}, now64(3), ${Number(n)}, ${seconds})`);
  return { clock: id, rows: Number(n), seconds };
}

/** The ids of the clocks whose build is complete. */
export async function builtClocks(store: Store): Promise<Set<string>> {
  const rows = await store.query<{ clock: string }>(sql`SELECT DISTINCT clock FROM clock_builds`);
  return new Set(rows.map((r) => r.clock));
}

/**
 * Builds every clock not built yet, and flow health's snapshot (flow-runs.ts), then counts the
 * tallies not counted yet (tallies.ts); returns the clocks it built. `atStart`: a built flow
 * snapshot gets its aggregates recomputed and every tally is reconciled (a round cut short by
 * a crash may have left them behind) — once per process, not at every policy save;
 * `reconcile`: every tally is (after a failed round).
 */
export async function buildMissing(store: Store, set: ClockSet, o: { atStart?: boolean; reconcile?: boolean } = {}): Promise<BuildResult[]> {
  const built = await builtClocks(store);
  // A clock or tally that left the set (a policy disabled, or saved with another threshold)
  // is no longer refreshed: forget its build, so it is read from the events (or the
  // intervals) meanwhile and built again if it comes back, instead of read stale.
  const current = new Set([...set.clocks.keys(), ...[...set.tallies.values()].map(tallyBuildId), FLOW_RUNS_BUILD]);
  const gone = [...built].filter((id) => !current.has(id));
  if (gone.length) {
    await store.command(sql`DELETE FROM clock_builds WHERE clock IN ${gone}`);
    for (const id of gone) built.delete(id);
  }
  // Their rows go too: nothing reads them now (a clock or tally not built is read from the
  // events or the intervals): dropped rather than kept for the events' retention. A threshold
  // edited leaves a tally only: no delete (nor patch to apply) on the intervals then.
  const goneTallies = gone.filter((id) => id.startsWith(TALLY_BUILD_PREFIX)).map((id) => id.slice(TALLY_BUILD_PREFIX.length));
  const goneClocks = gone.filter((id) => !id.startsWith(TALLY_BUILD_PREFIX));
  if (goneClocks.length) await store.command(sql`DELETE FROM clock_intervals WHERE clock IN ${goneClocks}`, PATCH_DELETE);
  if (goneTallies.length) await store.command(sql`DELETE FROM clock_days WHERE tally IN ${goneTallies}`);
  const out: BuildResult[] = [];
  const toBuild = [...set.clocks].filter(([id]) => !built.has(id));
  // a new store: every clock's build is empty, recorded at once rather than built one by one
  // (four statements each, ~100 ms: 2.3 s for the 23 clocks of a new store); nothing to delete
  const empty = toBuild.length > 0 && (await nothingToBuildFrom(store));
  if (empty) out.push(...(await recordEmptyBuilds(store, toBuild)));
  else for (const [, def] of toBuild) out.push(await buildClock(store, def));
  if (!built.has(FLOW_RUNS_BUILD)) out.push(await buildFlowRuns(store, nextVersion()));
  else if (o.atStart) await rebuildFlowAggregates(store, nextVersion());
  // a rebuild deletes the clock's whole previous copy (and a clock gone, all of its): materialize that before views read it
  if ((out.length && !empty) || goneClocks.length) await applyPatches(store, { wait: true });
  // a rebuilt clock's rows changed without deltas: recount its tallies
  const rebuilt = new Set(out.map((b) => b.clock));
  const tallies = [...set.tallies.values()];
  await reconcileTallies(store, o.atStart || o.reconcile ? tallies : tallies.filter((t) => !built.has(tallyBuildId(t)) || rebuilt.has(t.clock)));
  return out;
}

/**
 * Materializes the deletes that rebuilds and refreshes leave as patch parts. Until a merge
 * applies them, every read of clock_intervals applies them again: at 9.3M events, after a
 * full rebuild (a 645k-row patch), counting one clock's 1.8M intervals took 88 ms, 4–8 ms
 * once applied, and reading its late intervals ~200 vs ~35 ms; the big parts they apply to
 * merge rarely. APPLY PATCHES rewrites only the row mask of the parts concerned (0.9 s for
 * the whole table at 9.3M): a mutation, in the background unless `wait`.
 */
export async function applyPatches(store: Store, o: { wait?: boolean } = {}): Promise<void> {
  try {
    await store.command(sql`ALTER TABLE clock_intervals APPLY PATCHES`, o.wait ? { mutations_sync: 1 } : undefined);
  } catch (err) {
    // only reads are slower without it (e.g. a server without APPLY PATCHES): never fail a build or a round
    if (/is closed|Usage: connection/.test(String(err))) throw err;
    console.error(`[clocks] applying patch parts failed: ${String(err)}`);
  }
}

/** Forgets every build (after events were loaded around the writer): the next buildMissing rebuilds all. */
export async function forgetBuilds(store: Store): Promise<void> {
  await store.command(sql`TRUNCATE TABLE clock_builds`);
}

/**
 * Recomputes every clock's intervals, and the flow runs, of these deals from their events;
 * the tallies count the change (between the insert and the delete).
 */
export async function refreshDeals(store: Store, set: ClockSet, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const v = nextVersion();
  // the holiday index bound once in the WITH: its ~20 business-time expressions name it (0.3 s of a round's planning otherwise)
  const holidays = holidayArraysWith();
  const source: IntervalSource = { facts: sql`touched_facts`, refs: sql`touched_refs`, deals: ids, holidayArrays: holidays.arrays };
  const parts = [...set.clocks.values()].map((d) => rowsSql(d, v, source));
  if (parts.length === 0) return;
  const from = await derivedSelects(store);
  await store.command(
    sql`INSERT INTO clock_intervals (${COLUMNS})
      WITH ${holidays.with_},
        touched_facts AS MATERIALIZED (SELECT * FROM (${from.facts}) WHERE correlation_id IN ${ids}),
        touched_refs AS MATERIALIZED (SELECT * FROM (${from.refs}) WHERE correlation_id IN ${ids})
      SELECT * FROM (${join(parts, ' UNION ALL ')})
      SETTINGS enable_materialized_cte = 1`,
  );
  if (set.tallies.size) await store.command(tallyDeltaSql([...set.tallies.values()], ids, v));
  await store.command(sql`DELETE FROM clock_intervals WHERE correlation_id IN ${ids} AND version < ${v}`, PATCH_DELETE);
  await refreshFlowRuns(store, ids, v);
}
