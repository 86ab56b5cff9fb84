// getDealOpenItems: one deal's records whose stuck-rule clock still runs (DOMAIN.md §5, at the
// thresholds their SLA policies set): the invoices not yet paid, payments not yet applied,
// milestones and time not yet invoiced, changes not yet reflected, failed syncs not yet
// recovered, set-up steps not yet done. Read through the same clocks as the stuck-work queues
// (the snapshot once built, else the events), so an item overdue here is the item on the
// queue, with its workflow state. The journey's path (lib/journey) says which step types have
// happened; a deal whose every step has happened once can still owe a payment or a cash
// application, and this says which.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, type Sql } from '../clickhouse/sql';
import { clockReader } from '../clocks/read';
import { STUCK_RULE_NAMES, stuckRule, type StuckRule, type StuckRuleSet } from '../stuck/rules';
import { reportingCurrency } from '../money/rates';
import type { DealOpenItems } from '../contracts/deals';
import { num, chTimestamp, queryNow } from './row-types';
import { getExceptionStates, itemState } from './exception-states';

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
 * The open intervals of every stuck rule for these deals: `overdue` reads only those that can
 * already be late (as the queues do), else every open one. A deal's clocks refreshing may be
 * read in both copies for a moment: group by (k, entity_key) for one row per record.
 */
async function openClocks(store: Store, ids: readonly string[], now: Date, o: { overdue?: boolean } = {}): Promise<{ open: Sql; rules: StuckRule[] }> {
  const read = await clockReader(store);
  const rules = inOrder(read.rules);
  const only = o.overdue ? { openOnly: true } : { only: 'open' as const };
  const open = sql`(SELECT * FROM ${read.clocks(rules.map((spec) => ({ spec })), { filters: {}, now, ...only })}
    WHERE correlation_id IN ${ids} AND is_open = 1 ${o.overdue ? sql`AND late_hours > 0` : sql``})`;
  return { open, rules };
}

/** How many records of each of these deals are overdue (on a stuck queue); deals with none are absent. */
export async function overdueCounts(store: Store, ids: readonly string[], now: Date = new Date()): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await store.query(
    sql`SELECT correlation_id, toUInt64(uniqExact(k, entity_key)) AS n FROM ${(await openClocks(store, ids, now, { overdue: true })).open}
      GROUP BY correlation_id SETTINGS enable_materialized_cte = 1`,
    z.object({ correlation_id: z.string(), n: num }),
  );
  return new Map(rows.map((r) => [r.correlation_id, r.n]));
}

/** null for an unknown deal. */
export async function getDealOpenItems(store: Store, correlationId: string, opts: { now?: Date | string } = {}): Promise<DealOpenItems | null> {
  if (correlationId === '') return null;
  const now = queryNow(opts.now);
  const { open, rules } = await openClocks(store, [correlationId], now);
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
  const ids = rows.map((r) => `${rules[r.k].name}:${r.entity_key}`);
  const states = await getExceptionStates(store, ids, now);
  return {
    items: rows.map((r, i) => {
      const rule = rules[r.k];
      return {
        id: ids[i],
        rule: rule.name,
        title: rule.title,
        owner: rule.owner,
        entity_key: r.entity_key,
        waiting_for: rule.end_events,
        since: r.anchor_at,
        late_hours: r.late_hours,
        unit: rule.unit,
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

