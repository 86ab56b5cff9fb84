// The stuck rules as configured now: each allows the time its SLA policy of the same id was
// last saved with (lib/stuck/rules rulesFromPolicies), so a saved threshold moves the queues,
// a deal's open items and its journey's due dates alike. Kept per store for a few seconds:
// the read is ~7 ms of chDB's per-query cost, on every stuck, leakage, KPI and journey query.
// A save through this process (saveSlaPolicy) drops it at once; one through another process
// sharing a ClickHouse server is seen within RULES_TTL_MS.

import type { Store } from '../clickhouse/client';
import { rulesFromPolicies, type StuckRuleSet } from '../stuck/rules';
import { getSlaPolicies } from './get-sla-policies';

export const RULES_TTL_MS = 5_000;

const cached = new WeakMap<Store, { at: number; rules: Promise<StuckRuleSet> }>();

export function getStuckRules(store: Store): Promise<StuckRuleSet> {
  const hit = cached.get(store);
  if (hit && Date.now() - hit.at < RULES_TTL_MS) return hit.rules;
  const rules = getSlaPolicies(store).then(rulesFromPolicies);
  const entry = { at: Date.now(), rules };
  cached.set(store, entry);
  // a failed read is not kept
  rules.catch(() => cached.get(store) === entry && cached.delete(store));
  return rules;
}

/** After a policy is saved: the next query reads the rules again. */
export function forgetStuckRules(store: Store): void {
  cached.delete(store);
}
