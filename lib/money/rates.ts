// Money across currencies. Decision: every amount is kept and shown in its own currency,
// and every total (KPI, queue money, waterfall, leakage) is converted to one reporting
// currency with configured rates, so figures add up and queues sort by money at risk
// across currencies. Rates are configuration (units of the reporting currency per unit
// of the currency), not market data; conversion happens in ClickHouse.

import { sql, param, type Sql } from '../clickhouse/sql';
import { env } from '../env';

export const REPORTING_CURRENCY = 'EUR';

/** Units of REPORTING_CURRENCY per one unit of each currency, built in (CASHTRACE_FX_RATES adds and overrides). */
export const DEFAULT_FX_RATES: Record<string, number> = {
  EUR: 1,
  USD: 0.9,
  GBP: 1.2,
  CHF: 1.05,
  CAD: 0.68,
  SGD: 0.69,
  SEK: 0.09,
  JPY: 0.006,
};

let merged: { from: Record<string, number> | undefined; rates: Record<string, number> } | null = null;

/** The rates in force: the built-in ones with CASHTRACE_FX_RATES over them (the same object while the configuration is). */
export function fxRates(): Record<string, number> {
  const configured = env().CASHTRACE_FX_RATES;
  if (!merged || merged.from !== configured) merged = { from: configured, rates: { ...DEFAULT_FX_RATES, ...configured } };
  return merged.rates;
}

/** Currencies of the list that have no rate: their amounts count 1:1 in every reporting total. */
export function unpricedCurrencies(currencies: string[], rates: Record<string, number> = fxRates()): string[] {
  return [...new Set(currencies.filter((c) => c && rates[c] === undefined))].sort();
}

/**
 * `amount` (Decimal or Float) in `currency` converted to the reporting currency, rounded to
 * cents. An unknown or empty currency counts at rate 1: the overview names such currencies
 * (unpricedCurrencies) and CASHTRACE_FX_RATES gives them a rate.
 */
export function toReporting(amount: Sql, currency: Sql, rates: Record<string, number> = fxRates()): Sql {
  return reportingAt(amount, reportingRate(currency, rates));
}

/** The rate that converts an amount in `currency` to the reporting currency (1 for an unknown code). */
export function reportingRate(currency: Sql, rates: Record<string, number> = fxRates()): Sql {
  const codes = Object.keys(rates);
  return sql`transform(toString(${currency}), ${codes}, ${param('Array(Float64)', codes.map((c) => rates[c]))}, 1.0)`;
}

/** toReporting with the rate already looked up (several amounts of one row: one lookup). */
export function reportingAt(amount: Sql, rate: Sql): Sql {
  return sql`round(toFloat64(ifNull(${amount}, 0)) * ${rate}, 2)`;
}
