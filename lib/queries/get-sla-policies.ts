// The current SLA policies (latest version of each id): the defaults in the order of
// DOMAIN.md §5 (the journey's order, as the stuck-work page lists them), then the others by name.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { defaultBreachOwner, slaPolicySchema, type SlaPolicy } from '../contracts/sla';
import { RULE_OWNER } from '../auth/role-matrix';
import type { Role } from '../auth/roles';
import { num, chTimestamp } from './row-types';
import { STUCK_RULE_NAMES } from '../stuck/rules';

const DEFAULT_ORDER = new Map<string, number>(STUCK_RULE_NAMES.map((n, i) => [n, i]));
const byJourneyOrder = (a: SlaPolicy, b: SlaPolicy) =>
  (DEFAULT_ORDER.get(a.id) ?? DEFAULT_ORDER.size) - (DEFAULT_ORDER.get(b.id) ?? DEFAULT_ORDER.size) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

const rowSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  start_events: z.array(z.string()),
  end_events: z.array(z.string()),
  match: z.string(),
  anchor: z.string(),
  threshold_hours: num,
  unit: z.string(),
  scope_region: z.string(),
  scope_billing_model: z.string(),
  scope_legal_entity: z.string(),
  scope_customer_tier: z.string(),
  severity: z.string(),
  enabled: num,
  owner: z.string(),
  updated_at: chTimestamp,
  updated_by: z.string(),
});

export async function getSlaPolicies(store: Store, params: { id?: string; enabledOnly?: boolean } = {}): Promise<SlaPolicy[]> {
  const rows = await store.query(
    sql`SELECT id, argMax(name, version) AS name, argMax(description, version) AS description,
        argMax(start_events, version) AS start_events, argMax(end_events, version) AS end_events,
        argMax(match, version) AS match, argMax(anchor, version) AS anchor, argMax(threshold_hours, version) AS threshold_hours,
        argMax(unit, version) AS unit, argMax(scope_region, version) AS scope_region,
        argMax(scope_billing_model, version) AS scope_billing_model, argMax(scope_legal_entity, version) AS scope_legal_entity,
        argMax(scope_customer_tier, version) AS scope_customer_tier, argMax(severity, version) AS severity,
        argMax(enabled, version) AS enabled, argMax(owner, version) AS owner, argMax(updated_at, version) AS updated_at, argMax(updated_by, version) AS updated_by
      FROM sla_policies ${params.id ? sql`WHERE id = ${params.id}` : sql``} GROUP BY id ORDER BY id`,
    rowSchema,
  );
  return rows
    .map((r) =>
      slaPolicySchema.parse({
        id: r.id,
        name: r.name,
        description: r.description,
        start_events: r.start_events,
        end_events: r.end_events,
        match: r.match,
        anchor: r.anchor,
        threshold_hours: r.threshold_hours,
        unit: r.unit,
        scope: { region: r.scope_region, billing_model: r.scope_billing_model, legal_entity: r.scope_legal_entity, customer_tier: r.scope_customer_tier },
        severity: r.severity,
        enabled: r.enabled === 1,
        // '' before a save named one (082): the default for its id and events
        owner: r.owner || defaultBreachOwner({ id: r.id, end_events: r.end_events }),
        updated_at: r.updated_at,
        updated_by: r.updated_by,
      }),
    )
    .filter((p) => !params.enabledOnly || p.enabled)
    .sort(byJourneyOrder);
}

/**
 * Whose work the exceptions of `rule` are: a queue's owner (a stuck rule, the unstaffed
 * projects), else the owner of the SLA policy of that id (its open breaches); null for neither.
 */
export async function workOwner(store: Store, rule: string): Promise<Role | null> {
  return RULE_OWNER[rule] ?? (await getSlaPolicies(store, { id: rule }))[0]?.owner ?? null;
}
