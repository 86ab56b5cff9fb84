// Saves an SLA policy (create or update) after validation; an invalid policy is refused
// with the reasons. A save is a new version row: history is re-evaluated at the next query.

import type { Store } from '../clickhouse/client';
import { defaultBreachOwner, slaPolicyInputSchema, type SlaPolicy } from '../contracts/sla';
import { formatZodIssues } from '../events/schema';
import { errors } from '../http/errors';
import { RULE_OWNER } from '../auth/role-matrix';
import { getSlaPolicies } from './get-sla-policies';
import { forgetStuckRules } from './get-stuck-rules';

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'policy';
}

export async function saveSlaPolicy(
  store: Store,
  params: { input: unknown; mode: 'create' | 'update'; by: string; now?: Date },
): Promise<SlaPolicy> {
  const r = slaPolicyInputSchema.safeParse(params.input);
  if (!r.success) throw errors.badRequest('invalid SLA policy', { issues: formatZodIssues(r.error) });
  const p = r.data;
  const id = p.id ?? slug(p.name);
  const existing = await getSlaPolicies(store, { id });
  if (params.mode === 'create' && existing.length) throw errors.conflict(`an SLA policy with id "${id}" already exists`);
  if (params.mode === 'update' && !existing.length) throw errors.notFound(`no SLA policy with id "${id}"`);
  const now = params.now ?? new Date();
  const previous = existing[0] ? Date.parse(existing[0].updated_at) : 0;
  const row = {
    id,
    name: p.name,
    description: p.description,
    start_events: p.start_events,
    end_events: p.end_events,
    match: p.match,
    anchor: p.anchor,
    threshold_hours: p.threshold_hours,
    unit: p.unit,
    scope_region: p.scope.region,
    scope_billing_model: p.scope.billing_model,
    scope_legal_entity: p.scope.legal_entity,
    scope_customer_tier: p.scope.customer_tier,
    severity: p.severity,
    enabled: p.enabled ? 1 : 0,
    // a stuck rule's policy keeps its queue's owner (the schema refuses another when the body names the id)
    owner: (RULE_OWNER[id] ? null : p.owner) ?? defaultBreachOwner({ id, end_events: p.end_events }),
    updated_at: now.toISOString().replace('T', ' ').replace('Z', ''),
    updated_by: params.by,
    // Monotonic per id even when two saves share a millisecond.
    version: Math.max(now.getTime(), previous + 1, 2),
  };
  await store.insertJsonEachRow('sla_policies', JSON.stringify(row));
  forgetStuckRules(store); // its threshold may be a stuck rule's
  const [saved] = await getSlaPolicies(store, { id });
  return saved;
}
