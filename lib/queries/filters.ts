// The one filter builder every query uses: the shared filter bar (date range, region,
// practice, legal entity, customer, billing model) as zod params and as a SQL fragment.

import { z } from 'zod';
import { sql, join, trustedSql, type Sql } from '../clickhouse/sql';

const dim = z.string().max(200).optional();

/** The years ClickHouse's DateTime64 holds: a bound or instant outside them fails in the engine (a 500), so queries refuse it first. */
const inEngineYears = (y: number) => y >= 1900 && y <= 2299;

const DATE_PARAM = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?Z?)?$/;

/** A real calendar day (not 2026-02-30) and time of day, in the years ClickHouse's DateTime64 holds. */
function isRealDate(s: string): boolean {
  const m = DATE_PARAM.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => Number(x ?? 0));
  const day = new Date(Date.UTC(y, mo - 1, d));
  return inEngineYears(y) && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d && h < 24 && mi < 60 && sec < 60;
}

/**
 * A date bound of a query (`from`, `to`): a day YYYY-MM-DD or a UTC time of day on it
 * (2026-03-01T09:00:00Z), as the filter bar and the exports send them; a day that does not
 * exist or a year outside 1900–2299 is refused here, with what to send, not by the engine.
 */
export const dateParam = z
  .string()
  .max(40)
  .regex(DATE_PARAM, 'must be a date YYYY-MM-DD or a UTC time such as 2026-03-01T09:00:00Z')
  .refine(isRealDate, 'must be a real day between 1900-01-01 and 2299-12-31 (not 2026-02-30), at a real time of day');
const isoDate = dateParam.optional();

/**
 * The instant a view is read as of (`now`): an ISO-8601 date-time (with Z, or with an
 * offset where `offset`), in the years the engine's DateTime64 holds; z.iso.datetime alone
 * let through 0001-01-01, which the engine failed on (a 500).
 */
export function nowParam(o: { offset?: boolean } = {}) {
  return z.iso.datetime({ offset: o.offset ?? false }).refine((s) => inEngineYears(new Date(s).getUTCFullYear()), 'must be between the years 1900 and 2299');
}

export const filtersSchema = z.object({
  from: isoDate,
  to: isoDate,
  region: dim,
  practice: dim,
  legal_entity: dim,
  customer: dim,
  billing_model: dim,
});
export type Filters = z.infer<typeof filtersSchema>;

export const FILTER_KEYS = ['from', 'to', 'region', 'practice', 'legal_entity', 'customer', 'billing_model'] as const;

/**
 * The filter values present in a URL's parameters (`get` reads one), in FILTER_KEYS order:
 * pages' query keys depend on it. Control characters are dropped (no value has them, and a
 * NUL rendered on the server reads back differently in the browser: a hydration error).
 */
export function filterValues(get: (key: string) => string | null | undefined): Partial<Record<(typeof FILTER_KEYS)[number], string>> {
  const out: Partial<Record<(typeof FILTER_KEYS)[number], string>> = {};
  for (const k of FILTER_KEYS) {
    const v = get(k)?.replace(/[\u0000-\u001f\u007f]/g, '');
    if (v) out[k] = v;
  }
  return out;
}

const DIMENSION_COLUMNS = ['region', 'practice', 'legal_entity', 'customer', 'billing_model'] as const;

/**
 * A dimension filter's value for the deals that carry none (e.g. `billing_model=(none)`: the
 * variants of deals whose CRM event never named a billing model); an empty value is no filter.
 */
export const NO_VALUE = '(none)';

/** One condition per dimension filter set; `aggregated`: on max(column) of a GROUP BY correlation_id. */
function dimensionConditions(f: Filters, aggregated = true): Sql[] {
  return DIMENSION_COLUMNS.filter((d) => f[d]).map((d) => {
    const v = f[d] === NO_VALUE ? '' : f[d];
    return aggregated ? sql`max(${trustedSql(d)}) = ${v}` : sql`${trustedSql(d)} = ${v}`;
  });
}

/** The dimension filters on a table that carries the deal's dimensions per row, or TRUE. */
export function dimensionWhere(f: Filters): Sql {
  const c = dimensionConditions(f, false);
  return c.length ? join(c, ' AND ') : sql`1`;
}

/** The dimension filters as a HAVING condition for a query that groups deal_summary by correlation_id, or TRUE. */
export function dealHaving(f: Filters): Sql {
  const c = dimensionConditions(f);
  return c.length ? join(c, ' AND ') : sql`1`;
}

export function hasDimensionFilter(f: Filters): boolean {
  return dimensionConditions(f).length > 0;
}

/**
 * `correlation_id IN (deals matching the dimension filters)`, or TRUE. Dimensions are
 * deal-level (they usually arrive on the CRM event only), so they are read from deal_summary:
 * max(d) = v needs a row with d = v, so only deals with such a row (for one filter, the
 * customer's when set: the most selective) are grouped and checked, not every deal.
 */
export function dealScope(f: Filters, column: Sql = sql`correlation_id`): Sql {
  const c = dimensionConditions(f);
  if (c.length === 0) return sql`1`;
  const d = f.customer ? 'customer' : DIMENSION_COLUMNS.find((x) => f[x])!;
  return sql`${column} IN (SELECT correlation_id FROM deal_summary
    WHERE correlation_id IN (SELECT correlation_id FROM deal_summary WHERE ${dimensionWhere({ [d]: f[d] })})
    GROUP BY correlation_id HAVING ${join(c, ' AND ')})`;
}

/** Business-time window on a DateTime64 column; `to` is inclusive of the whole day. */
export function timeWindow(f: Filters, column: Sql): Sql {
  const c: Sql[] = [];
  if (f.from) c.push(sql`${column} >= parseDateTime64BestEffort(${f.from}, 3, 'UTC')`);
  if (f.to) c.push(sql`${column} < parseDateTime64BestEffort(${f.to}, 3, 'UTC') + INTERVAL 1 DAY`);
  return c.length ? join(c, ' AND ') : sql`1`;
}
