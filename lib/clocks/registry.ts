// Every clock the product measures, by definition: the stuck rules, the KPI clocks, the
// unstaffed-projects clock and each enabled SLA policy. A clock's id is a hash of what its
// intervals depend on (events, match, anchor, unit, scope, and the calendars and exchange
// rates that business hours and values are computed with), not of its threshold: lateness
// is computed when the snapshot is read, so a threshold change needs no rebuild.

import crypto from 'node:crypto';
import type { Store } from '../clickhouse/client';
import type { IntervalSpec } from '../sla/interval-spec';
import type { IntervalScope } from '../sla/intervals-sql';
import { calendars } from '../sla/calendars';
import { fxRates } from '../money/rates';
import { STUCK_RULES, rulesFromPolicies } from '../stuck/rules';
import { KPIS } from '../kpis/definitions';
import { UNSTAFFED_SPEC } from '../stuck/unstaffed';
import { getSlaPolicies } from '../queries/get-sla-policies';
import { FINDINGS, type FindingKind } from './findings';

/** Bump when intervals-sql.ts or the snapshot's columns change meaning: every clock is rebuilt. */
const DEFINITION_VERSION = 2;

export type ClockSpec = Omit<IntervalSpec, 'threshold_hours'>;
export interface IntervalClock {
  spec: ClockSpec;
  scope?: IntervalScope;
}
/** What the snapshot keeps: the intervals of a clock, or the findings of one kind (findings.ts). */
export type ClockDef = IntervalClock | { finding: FindingKind };

/**
 * What every clock also depends on (a change — a rate or a calendar configured — builds them
 * all again), hashed once per set of rates and calendars in force: the calendars' century of
 * holidays is ~300 KB of JSON.
 */
let environmentOf: { rates: Record<string, number>; calendars: unknown; digest: string } | null = null;
function environment(): string {
  const rates = fxRates();
  const cals = calendars();
  if (environmentOf?.rates !== rates || environmentOf.calendars !== cals) {
    const json = JSON.stringify({ v: DEFINITION_VERSION, calendars: cals, rates });
    environmentOf = { rates, calendars: cals, digest: crypto.createHash('sha256').update(json).digest('hex') };
  }
  return environmentOf.digest;
}

/** The definition a clock id is the hash of (also stored with its build, for the record). */
export function clockDefinition(spec: ClockSpec, scope?: IntervalScope): string {
  const s = scope ?? {};
  return JSON.stringify({
    start: [...spec.start_events].sort(),
    end: [...spec.end_events].sort(),
    match: spec.match,
    anchor: spec.anchor,
    unit: spec.unit,
    scope: {
      region: s.region || '',
      billing_model: s.billing_model || '',
      legal_entity: s.legal_entity || '',
      customer_tier: s.customer_tier || '',
    },
  });
}

export function clockId(spec: ClockSpec, scope?: IntervalScope): string {
  return hashId(clockDefinition(spec, scope));
}

const hashId = (definition: string) => crypto.createHash('sha256').update(environment()).update(definition).digest('hex').slice(0, 16);

/**
 * A finding's version, bumped when its rows change: that finding alone is rebuilt
 * (receivables 2: settled_at as end_at; invoice_mismatch 2: the detail's amounts in cents).
 */
const FINDING_VERSIONS: Partial<Record<FindingKind, number>> = { receivables: 2, invoice_mismatch: 2 };

export function definitionOf(d: ClockDef): string {
  if (!('finding' in d)) return clockDefinition(d.spec, d.scope);
  const v = FINDING_VERSIONS[d.finding];
  return JSON.stringify(v ? { finding: d.finding, v } : { finding: d.finding });
}

export function defId(d: ClockDef): string {
  return hashId(definitionOf(d));
}

/** The clocks that are part of the product (not configurable). */
export function staticClocks(): ClockDef[] {
  const defs: ClockDef[] = Object.values(STUCK_RULES).map((r) => ({ spec: r }));
  for (const k of KPIS) if (k.clock) defs.push({ spec: k.clock });
  defs.push({ spec: UNSTAFFED_SPEC });
  for (const finding of FINDINGS) defs.push({ finding });
  return defs;
}

/**
 * A clock's closed intervals counted per day against one threshold (sql/051 clock_days,
 * tallies.ts): an SLA policy's, or time-not-billed's for the KPI "time billed within SLA".
 * Unlike a clock, a tally depends on its threshold: a policy saved with a new one is a new
 * tally, counted in full once (until then its readers read the intervals).
 */
export interface Tally {
  id: string;
  clock: string;
  threshold: number;
}

export function tallyOf(spec: IntervalSpec, scope?: IntervalScope): Tally {
  const clock = clockId(spec, scope);
  return { id: `${clock}>${spec.threshold_hours}`, clock, threshold: spec.threshold_hours };
}

/** What the snapshot keeps: every clock (by id) and every tally (by id). */
export interface ClockSet {
  clocks: Map<string, ClockDef>;
  tallies: Map<string, Tally>;
}

/**
 * Static clocks, the stuck rules' as configured (a policy saved in another unit is another
 * clock) and the enabled SLA policies' clocks, each id once; the policies' tallies and
 * time-not-billed's as configured (the KPI "time billed within SLA").
 */
export async function allClocks(store: Store): Promise<ClockSet> {
  const clocks = new Map<string, ClockDef>();
  const add = (d: ClockDef) => {
    const id = defId(d);
    if (!clocks.has(id)) clocks.set(id, d);
  };
  staticClocks().forEach(add);
  const policies = await getSlaPolicies(store);
  const rules = rulesFromPolicies(policies);
  for (const r of Object.values(rules)) add({ spec: r });
  const tallies = new Map<string, Tally>();
  const count = (t: Tally) => tallies.set(t.id, t);
  count(tallyOf(rules['time-not-billed']));
  for (const p of policies.filter((x) => x.enabled)) {
    add({ spec: p, scope: p.scope });
    count(tallyOf(p, p.scope));
  }
  return { clocks, tallies };
}
