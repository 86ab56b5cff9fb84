// Money across currencies. Decision: every amount is kept and shown in its own currency,
// and every total (KPI, queue money, waterfall, leakage) is converted to one reporting
// currency with configured rates, so figures add up and queues sort by money at risk
// across currencies. Rates are configuration (units of the reporting currency per unit
// of the currency), not market data; conversion happens in ClickHouse.

import { sql, param, type Sql } from '../clickhouse/sql';

export const REPORTING_CURRENCY = 'EUR';

/** Units of REPORTING_CURRENCY per one unit of each currency. */
export const FX_RATES: Record<string, number> = {
  EUR: 1,
  USD: 0.9,
  GBP: 1.2,
  CHF: 1.05,
  CAD: 0.68,
  SGD: 0.69,
  SEK: 0.09,
  JPY: 0.006,
};

/**
 * `amount` (Decimal or Float) in `currency` converted to the reporting currency, rounded to
 * cents. An unknown or empty currency counts at rate 1 (visible in the per-currency figures).
 */
export function toReporting(amount: Sql, currency: Sql, rates: Record<string, number> = FX_RATES): Sql {
  return reportingAt(amount, reportingRate(currency, rates));
}

/** The rate that converts an amount in `currency` to the reporting currency (1 for an unknown code). */
export function reportingRate(currency: Sql, rates: Record<string, number> = FX_RATES): Sql {
  const codes = Object.keys(rates);
  return sql`transform(toString(${currency}), ${codes}, ${param('Array(Float64)', codes.map((c) => rates[c]))}, 1.0)`;
}

/** toReporting with the rate already looked up (several amounts of one row: one lookup). */
export function reportingAt(amount: Sql, rate: Sql): Sql {
  return sql`round(toFloat64(ifNull(${amount}, 0)) * ${rate}, 2)`;
}
