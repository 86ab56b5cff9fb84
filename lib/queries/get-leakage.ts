// Revenue leakage (DOMAIN.md §7): each category in money (reporting currency), its weekly
// trend, overdue receivables by aging bucket, and the exact records behind every figure.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql, join, type Sql } from '../clickhouse/sql';
import { stuckItemsSql, stuckOfRulesSql } from '../stuck/stuck-sql';
import { clockReader, type ClocksFn, type FindingsFn, type IntervalsFn } from '../clocks/read';
import type { FindingKind } from '../clocks/findings';
import { stuckRule, AGING_BUCKETS, type StuckRuleName, type StuckRuleSet } from '../stuck/rules';
import { reportingCurrency, toReporting } from '../money/rates';
import { LEAKAGE_CATEGORIES, LEAKAGE_LABELS, type LeakageQuery, type LeakageResponse } from '../contracts/leakage';
import type { Filters } from './filters';
import { num, chTimestamp, queryNow } from './row-types';
import { keysetPage, keysetPageSql, pageKeyColumn, type SortKey } from './page';
import { queryPart, runPart, runParts } from '../clickhouse/parts';

export type LeakageParams = Filters & Partial<Omit<LeakageQuery, keyof Filters | 'format'>>;

/** Every leakage record: category, entity_key, correlation_id, at, amount, currency, detail, bucket, customer, value. */
function recordsSql(f: Filters, now: Date, read: { intervals: IntervalsFn; findings: FindingsFn; clocks: ClocksFn; rules: StuckRuleSet }): Sql {
  const o = { filters: f, now };
  const rule = (name: StuckRuleName) => stuckRule(name, {}, read.rules);
  const stuck = (name: StuckRuleName) => stuckItemsSql(rule(name), o, read.intervals);
  const finding = (kind: FindingKind) =>
    sql`SELECT ${kind} AS category, entity_key, correlation_id, at, amount, currency, detail, '' AS bucket, customer
      FROM ${read.findings(kind, o)}`;
  // unbilled work and overdue invoices: their three rules' stuck items in one read (k = index)
  const items = ['milestone-not-invoiced', 'time-not-billed', 'invoice-not-collected'] as const;
  const parts: Sql[] = [
    sql`SELECT if(k = 2, 'cash_at_risk', 'unbilled_work') AS category, entity_key, correlation_id, anchor_at AS at, amount, currency,
        multiIf(k = 0, 'milestone not invoiced', k = 1, 'approved time not billed', concat('overdue ', aging_bucket, ' days')) AS detail,
        aging_bucket AS bucket, customer
      FROM ${stuckOfRulesSql(items.map(rule), o, read.clocks)}`,
    // change orders still not reflected while delivery on the deal carried on after their
    // approval: the first delivery after each change is a finding (reading the deals' latest
    // delivery from event_facts was ~250 of ~400 ms per query at 9.3M events)
    sql`SELECT 'change_not_billed' AS category, c.entity_key, c.correlation_id, c.anchor_at AS at, c.amount, c.currency,
        'delivered since the change, billing not updated' AS detail, c.aging_bucket AS bucket, c.customer
      FROM ${stuck('change-not-reflected')} AS c
      INNER JOIN (SELECT entity_key AS dkey, correlation_id AS dcid FROM ${read.findings('change_deliveries', o)}) AS dl
        ON dl.dkey = c.entity_key AND dl.dcid = c.correlation_id`,
    finding('invoice_mismatch'),
    finding('integration_credits'),
  ];
  return sql`(SELECT r.*, ${toReporting(sql`r.amount`, sql`r.currency`)} AS value FROM (${join(parts, ' UNION ALL ')}) AS r)`;
}

const aggSchema = z.object({ category: z.string().nullable(), week: z.string().nullable(), bucket: z.string().nullable(), n: num, v: num });
const recordSchema = z.object({
  category: z.enum(LEAKAGE_CATEGORIES), entity_key: z.string(), correlation_id: z.string(), customer: z.string(),
  at: chTimestamp, amount: num, currency: z.string(), value: num, detail: z.string(),
});

/** Costliest first; the record's other columns make it a total order (a record's identity). */
const RECORD_SORT: readonly SortKey[] = [
  { col: sql`value`, dir: 'DESC', type: 'Float64' },
  { col: sql`entity_key`, dir: 'ASC', type: 'String' },
  { col: sql`category`, dir: 'ASC', type: 'String' },
  { col: sql`correlation_id`, dir: 'ASC', type: 'String' },
  { col: sql`at`, dir: 'ASC', type: 'DateTime64' },
  { col: sql`detail`, dir: 'ASC', type: 'String' },
];

/** The page of records after the cursor, from the CTE `records`: rows and what it becomes. */
function recordsPart(params: LeakageParams, limit: number) {
  return queryPart({
    sql: keysetPageSql(
      sql`SELECT category, entity_key, correlation_id, customer, at, amount, currency, value, detail
        FROM records ${params.category ? sql`WHERE category = ${params.category}` : sql``}`,
      { sort: RECORD_SORT, key: sql`category, correlation_id, entity_key, at, detail`, limit, cursor: params.cursor },
    ),
    schema: recordSchema.extend(pageKeyColumn),
    then: (rows) => keysetPage(rows, limit),
  });
}

const SETTINGS = sql`SETTINGS group_by_use_nulls = 1, enable_materialized_cte = 1`;

/** One page of leakage records (costliest first, keyset-paginated), without the figures: an export's pages after its first. */
export async function getLeakageRecords(store: Store, params: LeakageParams): Promise<Pick<LeakageResponse, 'records' | 'next_cursor'>> {
  const records = recordsSql(params, queryNow(params.now), await clockReader(store));
  const part = recordsPart(params, params.limit ?? 100);
  const page = await runPart(store, { ...part, sql: sql`WITH records AS ${records} ${part.sql}` }, { settings: SETTINGS });
  return { records: page.items, next_cursor: page.next_cursor };
}

export async function getLeakage(store: Store, params: LeakageParams): Promise<LeakageResponse> {
  const now = queryNow(params.now);
  const records = recordsSql(params, now, await clockReader(store));
  // the records are computed once (a materialized CTE) for the figures and the page, in one
  // query (lib/clickhouse/parts.ts): two queries each computing them took ~1.8× the CPU
  // (9.4M events: ~320 + ~370 ms)
  const { agg, page } = await runParts(
    store,
    {
      agg: queryPart({
        sql: sql`SELECT category, toString(toStartOfWeek(at, 1)) AS week, bucket, count() AS n, round(sum(value), 2) AS v
          FROM records GROUP BY GROUPING SETS ((category), (category, week), (category, bucket))`,
        schema: aggSchema,
        then: (r) => r,
      }),
      page: recordsPart(params, params.limit ?? 100),
    },
    { with: sql`records AS MATERIALIZED ${records}`, settings: SETTINGS },
  );
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
  // the page's records counted by the aggregate (no window over every record)
  const total = categories.reduce((s, c) => s + (!params.category || c.category === params.category ? c.count : 0), 0);
  return {
    reporting_currency: reportingCurrency(),
    total: Math.round(categories.reduce((s, c) => s + c.value, 0) * 100) / 100,
    categories,
    aging,
    records: page.items,
    records_total: total,
    next_cursor: page.next_cursor,
  };
}
