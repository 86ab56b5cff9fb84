// The settings an admin changes on /admin (PUT /api/admin/settings): exchange rates and KPI
// targets over the environment's (CASHTRACE_FX_RATES, CASHTRACE_KPI_TARGETS) and the
// built-in ones. Kept in the store (sql/081_settings.sql), so every process of a deployment
// (web servers, the ingest worker) reads the same ones: each loads them at start and every
// SETTINGS_POLL_MS after (lib/runtime.ts). A change re-keys the figures it feeds: new rates
// give every clock a new id (lib/clocks/registry.ts), so the queues, KPIs and leakage are
// read from the events, exactly, until the writer has built the clocks again.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { errors } from '../http/errors';
import { chTime } from '../ingest/rows';
import { chTimestamp, num } from '../queries/row-types';
import { KPI_BY_ID, KPI_IDS, kpiTargetExample, kpiTargets, validKpiTarget, type KpiId } from '../kpis/definitions';
import { fxRates, reportingCurrency } from '../money/rates';
import { setOverrides, SETTING_KINDS, type Overrides, type SettingKind, type SettingOverride } from './state';

/** How often a process reads the settings again (another process may have changed them). */
export const SETTINGS_POLL_MS = 5_000;

const rowSchema = z.object({ kind: z.string(), key: z.string(), value: num.nullable(), updated_at: chTimestamp, updated_by: z.string(), last_version: num });

async function latest(store: Store): Promise<z.infer<typeof rowSchema>[]> {
  return store.query(
    sql`SELECT kind, key, argMax(tuple(value), version).1 AS value, argMax(updated_at, version) AS updated_at,
        argMax(updated_by, version) AS updated_by, max(version) AS last_version
      FROM settings GROUP BY kind, key`,
    rowSchema,
  );
}

/** Reads the settings from the store and puts them in force in this process; returns the kinds that changed. */
export async function loadOverrides(store: Store): Promise<SettingKind[]> {
  return putInForce(await latest(store));
}

function putInForce(rows: z.infer<typeof rowSchema>[]): SettingKind[] {
  const next = { fx_rate: {}, kpi_target: {} } as Record<SettingKind, Record<string, SettingOverride>>;
  for (const r of rows) {
    if (r.value === null || !(SETTING_KINDS as readonly string[]).includes(r.kind)) continue;
    // a row this version cannot use (a KPI since removed, a value no longer valid) counts as unset
    if (r.kind === 'kpi_target' && !(KPI_BY_ID[r.key as KpiId] && validKpiTarget(KPI_BY_ID[r.key as KpiId], r.value))) continue;
    if (r.kind === 'fx_rate' && !validRate(r.value)) continue;
    next[r.kind as SettingKind][r.key] = { value: r.value, updated_at: r.updated_at, updated_by: r.updated_by };
  }
  return setOverrides(next as Overrides);
}

const MAX_RATE = 1e6;
const validRate = (v: number) => Number.isFinite(v) && v > 0 && v <= MAX_RATE;

/** What PUT /api/admin/settings takes: each entry a new value, or null to reset it (the environment's or built-in value counts again). */
export const settingsChangeSchema = z
  .object({
    fx_rates: z.record(z.string(), z.number().nullable()).optional(),
    kpi_targets: z.record(z.string(), z.number().nullable()).optional(),
  })
  .strict();
export type SettingsChange = z.infer<typeof settingsChangeSchema>;

/** One entry of a saved change: the value in force before and after, and what was set (null: reset). */
export interface SettingChange {
  kind: SettingKind;
  key: string;
  set: number | null;
  from: number | null;
  to: number | null;
}

/** The change's problems, each naming the entry (empty: valid). */
export function settingsChangeProblems(change: SettingsChange, currency = reportingCurrency()): string[] {
  const problems: string[] = [];
  const rates = Object.entries(change.fx_rates ?? {});
  const targets = Object.entries(change.kpi_targets ?? {});
  if (rates.length + targets.length === 0) problems.push('nothing to change: give fx_rates or kpi_targets');
  for (const [code, rate] of rates) {
    if (!/^[A-Z]{3}$/.test(code)) problems.push(`fx_rates.${code}: not a currency code (three capitals, ISO 4217, e.g. AUD)`);
    else if (code === currency) problems.push(`fx_rates.${code}: ${code} is the reporting currency (CASHTRACE_REPORTING_CURRENCY): its rate is 1`);
    else if (rate !== null && !validRate(rate)) problems.push(`fx_rates.${code}: ${rate}: a rate is a number of ${currency} per ${code}, above 0 and at most ${MAX_RATE}`);
  }
  for (const [id, target] of targets) {
    const k = KPI_BY_ID[id as KpiId];
    if (!k) problems.push(`kpi_targets.${id}: no such KPI (${KPI_IDS.join(', ')})`);
    else if (target !== null && !validKpiTarget(k, target))
      problems.push(`kpi_targets.${id}: ${target}: ${k.label} ${k.unit === 'share' ? 'is a share from 0 to 1 (3% is 0.03)' : `is measured in ${k.unit}, 0 or more`} (as in CASHTRACE_KPI_TARGETS: ${kpiTargetExample(k)})`);
  }
  return problems;
}

/**
 * Validates and saves a change (one row per entry, all in one insert), then puts the
 * settings in force in this process. Refused (400, every problem listed) when any entry is
 * invalid: nothing of it is saved. Returns each entry with its value before and after.
 */
export async function saveOverrides(store: Store, input: unknown, by: string, now = new Date()): Promise<SettingChange[]> {
  const r = settingsChangeSchema.safeParse(input);
  if (!r.success) throw errors.badRequest('invalid settings', { issues: r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`) });
  const problems = settingsChangeProblems(r.data);
  if (problems.length) throw errors.badRequest('invalid settings', { issues: problems });
  const rows = await latest(store);
  putInForce(rows); // what "before" is, as stored now
  const inForce = () => ({ fx_rate: fxRates(), kpi_target: kpiTargets() as Record<string, number> });
  const before = inForce();
  const version = Math.max(now.getTime(), ...rows.map((x) => x.last_version + 1));
  const entries = [
    ...Object.entries(r.data.fx_rates ?? {}).map(([key, set]) => ({ kind: 'fx_rate' as const, key, set })),
    ...Object.entries(r.data.kpi_targets ?? {}).map(([key, set]) => ({ kind: 'kpi_target' as const, key, set })),
  ];
  const at = chTime(now.toISOString());
  await store.insertJsonEachRow('settings', entries.map((c) => JSON.stringify({ kind: c.kind, key: c.key, value: c.set, updated_at: at, updated_by: by, version })).join('\n'));
  await loadOverrides(store);
  const after = inForce();
  return entries.map((c) => ({ ...c, from: before[c.kind][c.key] ?? null, to: after[c.kind][c.key] ?? null }));
}
