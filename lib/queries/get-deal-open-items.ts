// getDealOpenItems: one deal's records whose stuck-rule clock still runs (DOMAIN.md §5, at the
// thresholds their SLA policies set): the invoices not yet paid, payments not yet applied,
// milestones and time not yet invoiced, changes not yet reflected, failed syncs not yet
// recovered, set-up steps not yet done. Read through the same clocks as the stuck-work queues
// (the snapshot once built, else the events), so an item overdue here is the item on the
// queue, with its workflow state. The journey's path (lib/journey) says which step types have
// happened; a deal whose every step has happened once can still owe a payment or a cash
// application, and this says which. The SLA policies of one's own (not the nine stuck rules')
// run clocks too: their open intervals on the deal are listed with them, each overdue one that
// policy's open breach (worked on /sla, by the policy's owner).

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, type Sql } from '../clickhouse/sql';
import { clockReader } from '../clocks/read';
import { STUCK_RULE_NAMES, isStuckRuleName, stuckRule, type StuckRule, type StuckRuleSet } from '../stuck/rules';
import { BREACH_OWNER_LABEL, defaultBreachOwner, type BreachOwner, type SlaPolicy } from '../contracts/sla';
import { breachResyncTarget } from '../actions/targets';
import { getSlaPolicies } from './get-sla-policies';
import { reportingCurrency } from '../money/rates';
import type { DealOpenItems } from '../contracts/deals';
import { num, chTimestamp, queryNow } from './row-types';
import { getExceptionStates, itemState } from './exception-states';

type ClockReader = Awaited<ReturnType<typeof clockReader>>;

const rowSchema = z.object({
  k: num,
  entity_key: z.string(),
  anchor_at: chTimestamp,
  late_hours: num,
  amount: num,
  currency: z.string(),
  value: num,
});

/** The stuck rules as configured, in DOMAIN.md §5 order (k indexes them). */
const inOrder = (set: StuckRuleSet) => STUCK_RULE_NAMES.map((r) => stuckRule(r, {}, set));

/**
 * The open intervals of every stuck rule (k in DOMAIN.md §5 order), then of the `own` SLA
 * policies (k after them), for these deals: `overdue` reads only those that can already be
 * late (as the queues do), else every open one. A deal's clocks refreshing may be read in both
 * copies for a moment: group by (k, entity_key) for one row per record.
 */
function openClocks(read: ClockReader, ids: readonly string[], now: Date, o: { overdue?: boolean; own?: readonly SlaPolicy[] } = {}): { open: Sql; rules: StuckRule[] } {
  const rules = inOrder(read.rules);
  const only = o.overdue ? { openOnly: true } : { only: 'open' as const };
  const list = [...rules.map((spec) => ({ spec })), ...(o.own ?? []).map((p) => ({ spec: p, scope: p.scope }))];
  const open = sql`(SELECT * FROM ${read.clocks(list, { filters: {}, now, ...only })}
    WHERE correlation_id IN ${ids} AND is_open = 1 ${o.overdue ? sql`AND late_hours > 0` : sql``})`;
  return { open, rules };
}

/** What a deal's open item says of its clock (a stuck rule's: its queue; or a policy of one's own's). */
function clockOf(c: { id: string; title: string; owner: string; owner_role: BreachOwner }, spec: { end_events: readonly string[]; unit: 'business' | 'calendar' }, queue: boolean) {
  const { id, ...named } = c;
  return { rule: id, queue, ...named, resync_target: breachResyncTarget({ id, end_events: spec.end_events }) ?? '', waiting_for: [...spec.end_events], unit: spec.unit };
}

/** How many records of each of these deals are overdue (on a stuck queue); deals with none are absent. */
export async function overdueCounts(store: Store, ids: readonly string[], now: Date = new Date()): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query(
    sql`SELECT correlation_id, toUInt64(uniqExact(k, entity_key)) AS n FROM ${openClocks(await clockReader(store), ids, now, { overdue: true }).open}
      GROUP BY correlation_id SETTINGS enable_materialized_cte = 1`,
    z.object({ correlation_id: z.string(), n: num }),
  );
  return new Map(rows.map((r) => [r.correlation_id, r.n]));
}

/** null for an unknown deal. */
export async function getDealOpenItems(store: Store, correlationId: string, opts: { now?: Date | string } = {}): Promise<DealOpenItems | null> {
  if (correlationId === '') return null;
  const now = queryNow(opts.now);
  const [policies, read] = await Promise.all([getSlaPolicies(store, { enabledOnly: true }), clockReader(store)]);
  const own = policies.filter((p) => !isStuckRuleName(p.id));
  const { open, rules } = openClocks(read, [correlationId], now, { own });
  const clocks = [
    ...rules.map((r) => clockOf({ id: r.name, title: r.title, owner: r.owner, owner_role: defaultBreachOwner({ id: r.name, end_events: r.end_events }) }, r, true)),
    ...own.map((p) => clockOf({ id: p.id, title: p.name, owner: BREACH_OWNER_LABEL[p.owner], owner_role: p.owner }, p, false)),
  ];
  const [known, rows] = await Promise.all([
    store.query(sql`SELECT 1 AS x FROM deal_summary WHERE correlation_id = ${correlationId} LIMIT 1`, z.object({ x: num })),
    store.query(
      sql`SELECT k, entity_key, any(anchor_at) AS anchor_at, min(late_hours) AS late_hours, any(amount) AS amount,
          any(currency) AS currency, any(value) AS value
        FROM ${open}
        GROUP BY k, entity_key
        ORDER BY late_hours DESC, k, entity_key
        SETTINGS enable_materialized_cte = 1`,
      rowSchema,
    ),
  ]);
  if (known.length === 0) return null;
  const ids = rows.map((r) => `${clocks[r.k].rule}:${r.entity_key}`);
  const states = await getExceptionStates(store, ids, now);
  return {
    items: rows.map((r, i) => {
      return {
        id: ids[i],
        ...clocks[r.k],
        entity_key: r.entity_key,
        since: r.anchor_at,
        late_hours: r.late_hours,
        overdue: r.late_hours > 0,
        amount: r.amount,
        currency: r.currency,
        value: r.value,
        ...itemState(states.get(ids[i])),
      };
    }),
    reporting_currency: reportingCurrency(),
  };
}

