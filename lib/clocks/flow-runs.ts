// Writing flow health's snapshot (sql/048 flow_runs) beside the clocks': the run-level work
// of lib/queries/flow-runs.ts (runs, recovery, latency pairs) per deal, kept current by the
// same refresher (a deal the writer touched is recomputed with its clocks) and built in full
// when missing (recorded in clock_builds under FLOW_RUNS_BUILD). Runs of one record, and the
// events of one sync run, are in one deal (they refer to the same record, and references
// are what stitch a deal), so per deal is the same as over all events; orphans
// (correlation_id = '') are not kept and are computed when read.

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, param, trustedSql, PATCH_DELETE, type Sql } from '../clickhouse/sql';
import { flowRunRowsSql, SYNC_TYPES, type Extra } from '../queries/flow-runs';
import { chBool } from '../queries/ch-columns';
import { urlBytes, urlRanges } from '../clickhouse/url-budget';

/** Bump when the rows change meaning: the snapshot is rebuilt. */
const DEFINITION = 'flow-runs v3';
/** The snapshot's id in clock_builds. */
export const FLOW_RUNS_BUILD = `flows:${crypto.createHash('sha256').update(DEFINITION).digest('hex').slice(0, 16)}`;

const COLUMNS = trustedSql(`kind, flow_source, flow_target, failed, at, version, correlation_id, run_id, record, attempt,
  dead_letter, trace_id, status, prev_at, prev_failed, recovered_at, requested_at, duration_ms, requested, outcomes,
  customer, region, practice, legal_entity, billing_model`);

/**
 * flow_hours' rows (sql/049) summed from the runs in flow_runs where `where` holds. The new
 * version is not aliased `version`: an alias shadows the column in `where`.
 */
function hoursSql(where: Sql, version: number): Sql {
  return sql`SELECT flow_source, flow_target, toStartOfHour(at) AS hour, region, practice, legal_entity, billing_model, prev_at IS NULL AS first_run,
      toDate(ifNull(prev_at, toDateTime64(0, 3, 'UTC'))) AS prev_day, ${version} AS new_version, count() AS runs, countIf(failed) AS failures,
      countIf(attempt > 1) AS retries, countIf(dead_letter) AS dead_letters, max(at) AS last_run_at, maxIfOrNull(at, failed) AS last_failure_at
    FROM flow_runs WHERE kind = 'run' AND ${where}
    GROUP BY flow_source, flow_target, hour, region, practice, legal_entity, billing_model, first_run, prev_day`;
}

/** flow_latency's rows (sql/049) counted from the latency rows in flow_runs where `where` holds. */
function latencyCountsSql(where: Sql, version: number): Sql {
  return sql`SELECT flow_source, flow_target, duration_ms, ${version} AS new_version, count() AS runs
    FROM flow_runs WHERE kind = 'latency' AND ${where}
    GROUP BY flow_source, flow_target, duration_ms`;
}

/**
 * Recomputes flow_hours and flow_latency in full from flow_runs, from each deal's latest
 * version (a round cut short by a crash may have left two): at every start, after a build.
 */
export async function rebuildFlowAggregates(store: Store, version: number): Promise<void> {
  const latest = sql`(correlation_id, version) IN (SELECT correlation_id, max(version) FROM flow_runs GROUP BY correlation_id)`;
  await store.command(sql`INSERT INTO flow_hours ${hoursSql(latest, version)}`);
  await store.command(sql`DELETE FROM flow_hours WHERE version < ${version}`, PATCH_DELETE);
  await store.command(sql`INSERT INTO flow_latency ${latencyCountsSql(latest, version)}`);
  await store.command(sql`DELETE FROM flow_latency WHERE version < ${version}`, PATCH_DELETE);
}

/** Builds the snapshot over every deal, and its aggregates, and records the build. */
export async function buildFlowRuns(store: Store, version: number): Promise<{ clock: string; rows: number; seconds: number }> {
  const started = performance.now();
  await store.command(sql`INSERT INTO flow_runs (${COLUMNS}) ${flowRunRowsSql(sql`event_facts`, sql`correlation_id != ''`, version)}`);
  await store.command(sql`DELETE FROM flow_runs WHERE version < ${version}`, PATCH_DELETE);
  await rebuildFlowAggregates(store, version);
  const [{ n }] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM flow_runs`);
  const seconds = (performance.now() - started) / 1000;
  await store.command(sql`INSERT INTO clock_builds (clock, definition, built_at, rows, seconds)
    VALUES (${FLOW_RUNS_BUILD}, ${DEFINITION}, now64(3), ${Number(n)}, ${seconds})`);
  return { clock: FLOW_RUNS_BUILD, rows: Number(n), seconds };
}

const changedKey = z.object({ hourly: chBool, flow_source: z.string(), flow_target: z.string(), k: z.coerce.number() });

/**
 * Recomputes these deals' rows from their events (read by key; the flow attributes are
 * events' materialized columns, sql/058), then the aggregates' rows whose runs changed, then
 * drops the older copies. A run changed when the new version
 * has a different number of copies of what the aggregates read of it than the older ones (a
 * run moved to another deal in the same round has not; a round that reads a deal while the
 * writer moves its events may see a run in both deals, and the next round removes one); only
 * those hours and durations are recounted, from the rows that stay.
 */
export async function refreshFlowRuns(store: Store, ids: readonly string[], version: number): Promise<void> {
  await store.command(sql`INSERT INTO flow_runs (${COLUMNS}) ${flowRunRowsSql(sql`events`, sql`correlation_id IN ${ids}`, version, ids)}`);
  const changed = await store.query(
    sql`SELECT DISTINCT kind = 'run' AS hourly, flow_source, flow_target, if(hourly, toUnixTimestamp(toStartOfHour(at)), duration_ms) AS k
      FROM flow_runs WHERE correlation_id IN ${ids}
      GROUP BY kind, run_id, flow_source, flow_target, at, failed, attempt, dead_letter, prev_at, duration_ms,
        region, practice, legal_entity, billing_model
      HAVING countIf(version = ${version}) != countIf(version < ${version})`,
    changedKey,
  );
  const stays = sql`NOT (correlation_id IN ${ids} AND version < ${version})`;
  for (const hourly of [true, false]) {
    const all = changed.filter((c) => c.hourly === hourly);
    // To a server, in parts whose three key arrays its URL takes (lib/clickhouse/url-budget:
    // the first round after a 3,000-deal backfill changed more keys than 128 KiB of a
    // parameter holds; "Field value too long", found running the demo on a server).
    for (const [start, end] of urlRanges(store.kind, all.length, (i) => urlBytes(all[i].flow_source) + urlBytes(all[i].flow_target) + urlBytes(String(all[i].k)))) {
      await moveKeys(store, all.slice(start, end), hourly, stays, version);
    }
  }
  await store.command(sql`DELETE FROM flow_runs WHERE correlation_id IN ${ids} AND version < ${version}`, PATCH_DELETE);
}

/** The hour or latency tallies of `keys`: this version's counts in, the older ones out. */
async function moveKeys(store: Store, keys: z.infer<typeof changedKey>[], hourly: boolean, stays: Sql, version: number): Promise<void> {
  const keyIn = (k: Sql) => sql`(flow_source, flow_target, ${k}) IN (SELECT arrayJoin(arrayZip(${keys.map((c) => c.flow_source)},
    ${keys.map((c) => c.flow_target)}, ${param('Array(Int64)', keys.map((c) => c.k))})))`;
  if (hourly) {
    await store.command(sql`INSERT INTO flow_hours ${hoursSql(sql`${stays} AND ${keyIn(sql`toUnixTimestamp(toStartOfHour(at))`)}`, version)}`);
    await store.command(sql`DELETE FROM flow_hours WHERE ${keyIn(sql`toUnixTimestamp(hour)`)} AND version < ${version}`, PATCH_DELETE);
  } else {
    await store.command(sql`INSERT INTO flow_latency ${latencyCountsSql(sql`${stays} AND ${keyIn(sql`duration_ms`)}`, version)}`);
    await store.command(sql`DELETE FROM flow_latency WHERE ${keyIn(sql`duration_ms`)} AND version < ${version}`, PATCH_DELETE);
  }
}

/**
 * Where the flow queries read runs from: the snapshot once its build is complete (`live`:
 * always the events; tests compare the two); whether any span carries a flow, whether any
 * sync outcome is an orphan's (events keeps them first: a range of the key).
 */
export async function flowRunSource(store: Store, live = false): Promise<{ snapshot: boolean } & Extra> {
  if (live) return { snapshot: false, spans: true, orphans: true };
  const [r] = await store.query(
    sql`SELECT (SELECT count() FROM clock_builds WHERE clock = ${FLOW_RUNS_BUILD}) > 0 AS snapshot,
      (SELECT count() FROM (SELECT 1 FROM spans WHERE flow_source != '' LIMIT 1)) > 0 AS spans,
      (SELECT count() FROM (SELECT 1 FROM events WHERE correlation_id = '' AND type IN ${SYNC_TYPES} LIMIT 1)) > 0 AS orphans`,
    z.object({ snapshot: chBool, spans: chBool, orphans: chBool }),
  );
  return r;
}
