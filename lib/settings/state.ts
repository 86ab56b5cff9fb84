// The settings an admin changed on /admin over the environment's (exchange rates, KPI
// targets), as this process last read them from the store (lib/settings/overrides.ts loads
// them at start and every few seconds after). Kept apart from the store code so that
// lib/money/rates.ts and lib/kpis/definitions.ts read them without importing the store.

export interface SettingOverride {
  value: number;
  updated_at: string;
  updated_by: string;
}

export interface Overrides {
  /** Units of the reporting currency per unit of the currency, by currency code. */
  fx_rate: Readonly<Record<string, SettingOverride>>;
  /** By KPI id, in the unit the KPI is measured in (days, hours or a share 0–1). */
  kpi_target: Readonly<Record<string, SettingOverride>>;
}

export const SETTING_KINDS = ['fx_rate', 'kpi_target'] as const;
export type SettingKind = (typeof SETTING_KINDS)[number];

const NONE: Overrides = { fx_rate: {}, kpi_target: {} };
/**
 * On globalThis, as the runtime is: Next.js bundles each route apart, each with its own copy
 * of this module, and the copy the runtime loads the settings into must be the one every
 * route reads (a target saved through /api/admin/settings went unseen by /api/kpis).
 */
const g = globalThis as unknown as { __cashtraceOverrides?: Overrides };

/** The overrides in force in this process (the same objects until they change: callers memoise on them). */
export function overrides(): Overrides {
  return g.__cashtraceOverrides ?? NONE;
}

const sameKind = (a: Readonly<Record<string, SettingOverride>>, b: Readonly<Record<string, SettingOverride>>) =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([k, v]) => b[k] !== undefined && b[k].value === v.value && b[k].updated_at === v.updated_at && b[k].updated_by === v.updated_by);

/**
 * Puts `next` in force; a kind whose entries did not change keeps its object (so the rates'
 * and targets' memos, and the clocks' ids hashed from the rates, stay). Returns the kinds
 * that changed.
 */
export function setOverrides(next: Overrides): SettingKind[] {
  const current = overrides();
  const changed = SETTING_KINDS.filter((k) => !sameKind(current[k], next[k]));
  if (changed.length) g.__cashtraceOverrides = Object.fromEntries(SETTING_KINDS.map((k) => [k, changed.includes(k) ? next[k] : current[k]])) as unknown as Overrides;
  return changed;
}

/** Tests: back to no overrides. */
export function forgetOverrides(): void {
  g.__cashtraceOverrides = NONE;
}

/** The values of one kind's overrides. */
export function overrideValues(o: Readonly<Record<string, SettingOverride>>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value]));
}
