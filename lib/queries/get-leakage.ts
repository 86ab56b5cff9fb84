// Revenue leakage (DOMAIN.md §7): each category in money (reporting currency), its weekly
// trend, overdue receivables by aging bucket, and the exact records behind every figure.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, join, type Sql } from '../clickhouse/sql';
import { stuckItemsSql } from '../stuck/stuck-sql';
import { clockIntervals, type IntervalsFn } from '../clocks/read';
import { stuckRule, AGING_BUCKETS } from '../stuck/rules';
import { REPORTING_CURRENCY, toReporting } from '../money/rates';
import { LEAKAGE_CATEGORIES, LEAKAGE_LABELS, type LeakageQuery, type LeakageResponse } from '../contracts/leakage';
import { dealScope, timeWindow, type Filters } from './filters';
import { num, chTimestamp, queryNow, encodeCursor, decodeCursor } from './row-types';

export type LeakageParams = Filters & Partial<Omit<LeakageQuery, keyof Filters | 'format'>>;

/** Every leakage record: category, entity_key, correlation_id, at, amount, currency, detail, bucket. */
function recordsSql(f: Filters, now: Date, intervals: IntervalsFn): Sql {
  const o = { filters: f, now };
  const item = (rule: Parameters<typeof stuckRule>[0], category: string, detail: Sql) =>
    sql`SELECT ${category} AS category, entity_key, correlation_id, anchor_at AS at, amount, currency, ${detail} AS detail,
        aging_bucket AS bucket FROM ${stuckItemsSql(stuckRule(rule), o, intervals)}`;
  const win = sql`correlation_id != '' AND occurred_at <= ${now} AND ${timeWindow(f, sql`occurred_at`)} AND ${dealScope(f)}`;
  const parts: Sql[] = [
    item('milestone-not-invoiced', 'unbilled_work', sql`'milestone not invoiced'`),
    item('time-not-billed', 'unbilled_work', sql`'approved time not billed'`),
    // change orders still not reflected while delivery on the deal carried on after their approval
    sql`SELECT 'change_not_billed' AS category, c.entity_key, c.correlation_id, c.anchor_at AS at, c.amount, c.currency,
        'delivered since the change, billing not updated' AS detail, c.aging_bucket AS bucket
      FROM ${stuckItemsSql(stuckRule('change-not-reflected'), o, intervals)} AS c
      INNER JOIN (SELECT correlation_id AS dcid, max(occurred_at) AS last_delivery FROM event_facts
        WHERE type IN ('milestone.completed', 'time.approved', 'expense.approved') AND occurred_at <= ${now}
        GROUP BY correlation_id) AS dl ON dl.dcid = c.correlation_id
      WHERE dl.last_delivery > c.anchor_at`,
    // invoices whose total differs from the delivery (milestones, timesheets) they bill
    sql`SELECT 'invoice_mismatch' AS category, inv_key AS entity_key, inv_cid AS correlation_id, inv_at AS at,
        abs(expected - inv_amount) AS amount, inv_currency AS currency,
        concat('invoiced ', toString(inv_amount), ', delivered ', toString(expected)) AS detail, '' AS bucket
      FROM (
        SELECT i.inv_key, any(i.inv_cid) AS inv_cid, any(i.inv_at) AS inv_at, any(i.inv_amount) AS inv_amount,
          any(i.inv_currency) AS inv_currency, sum(dv.d_amount) AS expected, count() AS matched, any(i.n_refs) AS n_refs
        FROM (SELECT entity_key AS inv_key, correlation_id AS inv_cid, occurred_at AS inv_at, toFloat64(ifNull(amount, 0)) AS inv_amount,
                toString(currency) AS inv_currency, arrayFilter(r -> startsWith(r, 'psa:milestone:') OR startsWith(r, 'psa:timesheet:'), refs) AS drefs,
                length(drefs) AS n_refs
              FROM event_facts WHERE type = 'invoice.issued' AND ${win}) AS i
        ARRAY JOIN i.drefs AS dref
        INNER JOIN (SELECT entity_key AS d_key, toFloat64(argMin(ifNull(amount, 0), occurred_at)) AS d_amount FROM event_facts
              WHERE type IN ('milestone.completed', 'time.approved') AND occurred_at <= ${now} GROUP BY entity_key) AS dv ON dv.d_key = dref
        GROUP BY i.inv_key)
      WHERE matched = n_refs AND round(expected, 2) != round(inv_amount, 2)`,
    // credit memos that trace back to an integration failure (reason, or a failed sync of the invoice)
    sql`SELECT 'integration_credits' AS category, entity_key, correlation_id, occurred_at AS at, toFloat64(ifNull(amount, 0)) AS amount,
        toString(currency) AS currency, concat('credit on ', ref1, ' (', toString(reason), ')') AS detail, '' AS bucket
      FROM event_facts WHERE type = 'credit_memo.issued' AND ${win}
        AND (reason = 'integration_error'
          OR ref1 IN (SELECT ref1 FROM event_facts WHERE type = 'sync.failed' AND occurred_at <= ${now}))`,
    item('invoice-not-collected', 'cash_at_risk', sql`concat('overdue ', aging_bucket, ' days')`),
  ];
  return sql`(SELECT r.*, ${toReporting(sql`r.amount`, sql`r.currency`)} AS value, ifNull(dd.cust, '') AS customer
    FROM (${join(parts, ' UNION ALL ')}) AS r
    LEFT JOIN (SELECT correlation_id AS dcid2, max(customer) AS cust FROM deal_summary GROUP BY correlation_id) AS dd
      ON dd.dcid2 = r.correlation_id)`;
}

const aggSchema = z.object({ category: z.string().nullable(), week: z.string().nullable(), bucket: z.string().nullable(), n: num, v: num });
const recordSchema = z.object({
  category: z.enum(LEAKAGE_CATEGORIES), entity_key: z.string(), correlation_id: z.string(), customer: z.string(),
  at: chTimestamp, amount: num, currency: z.string(), value: num, detail: z.string(), total: num,
});

export async function getLeakage(store: Store, params: LeakageParams): Promise<LeakageResponse> {
  const now = queryNow(params.now);
  const records = recordsSql(params, now, await clockIntervals(store));
  const limit = params.limit ?? 100;
  const offset = decodeCursor(params.cursor);
  const [agg, rows] = await Promise.all([
    store.query(
      sql`SELECT category, toString(toStartOfWeek(at, 1)) AS week, bucket, count() AS n, round(sum(value), 2) AS v
        FROM ${records} GROUP BY GROUPING SETS ((category), (category, week), (category, bucket)) SETTINGS group_by_use_nulls = 1, enable_materialized_cte = 1`,
      aggSchema,
    ),
    store.query(
      sql`SELECT category, entity_key, correlation_id, customer, at, amount, currency, value, detail, count() OVER () AS total
        FROM ${records} ${params.category ? sql`WHERE category = ${params.category}` : sql``}
        ORDER BY value DESC, entity_key LIMIT ${limit} OFFSET ${offset} SETTINGS enable_materialized_cte = 1`,
      recordSchema,
    ),
  ]);
  const categories = LEAKAGE_CATEGORIES.map((c) => {
    const head = agg.find((a) => a.category === c && a.week === null && a.bucket === null);
    return {
      category: c,
      label: LEAKAGE_LABELS[c],
      count: head?.n ?? 0,
      value: head?.v ?? 0,
      trend: agg
        .filter((a) => a.category === c && a.week !== null)
        .map((a) => ({ bucket: a.week!, value: a.v }))
        .sort((a, b) => a.bucket.localeCompare(b.bucket)),
    };
  });
  const aging = AGING_BUCKETS.map((b) => {
    const a = agg.find((x) => x.category === 'cash_at_risk' && x.week === null && x.bucket === b);
    return { bucket: b, count: a?.n ?? 0, value: a?.v ?? 0 };
  });
  const total = rows[0]?.total ?? 0;
  return {
    reporting_currency: REPORTING_CURRENCY,
    total: Math.round(categories.reduce((s, c) => s + c.value, 0) * 100) / 100,
    categories,
    aging,
    records: rows.map(({ total: _t, ...r }) => r),
    records_total: total,
    next_cursor: offset + rows.length < total ? encodeCursor(offset + rows.length) : null,
  };
}
