// Money across currencies. Decision: every amount is kept and shown in its own currency,
// and every total (KPI, queue money, waterfall, leakage) is converted to one reporting
// currency (CASHTRACE_REPORTING_CURRENCY, EUR unless set) with configured rates, so figures
// add up and queues sort by money at risk across currencies. Rates are configuration (units
// of the reporting currency per unit of the currency), not market data; conversion happens
// in ClickHouse.

import { sql, param, type Sql } from '../clickhouse/sql';
import { env } from '../env';
import { overrides, overrideValues, type SettingOverride } from '../settings/state';

/** The currency every total is in (CASHTRACE_REPORTING_CURRENCY). */
export function reportingCurrency(): string {
  return env().CASHTRACE_REPORTING_CURRENCY;
}

/** The column CSV exports add beside a `value` in the reporting currency: which currency that is. */
export function valueCurrencyColumn(): Record<string, string> {
  return { value_currency: reportingCurrency() };
}

/** Units of EUR per one unit of each currency, built in (restated in the reporting currency's units; CASHTRACE_FX_RATES adds and overrides). */
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

/**
 * The built-in rates restated in units of `currency`, with configured rates (already in its
 * units) over them. The built-in ones are to EUR: they are restated through EUR's rate in
 * `currency` — a configured EUR rate, else the inverse of the currency's built-in rate. A
 * currency with neither cannot be reported in (throws, saying what to set).
 */
export function ratesIn(currency: string, configured: Record<string, number> = {}): Record<string, number> {
  if (configured[currency] !== undefined && configured[currency] !== 1) {
    throw new Error(`CASHTRACE_FX_RATES: ${currency}=${configured[currency]}: ${currency} is the reporting currency (CASHTRACE_REPORTING_CURRENCY); its rate is 1`);
  }
  const perEur = currency === 'EUR' ? 1 : (configured.EUR ?? (DEFAULT_FX_RATES[currency] ? 1 / DEFAULT_FX_RATES[currency] : undefined));
  if (perEur === undefined) {
    throw new Error(`CASHTRACE_REPORTING_CURRENCY=${currency}: no built-in rate relates ${currency} to the others; set CASHTRACE_FX_RATES=EUR=<units of ${currency} per euro> (and rates of the currencies your deals use)`);
  }
  const out: Record<string, number> = {};
  for (const [code, rate] of Object.entries(DEFAULT_FX_RATES)) out[code] = Number((rate * perEur).toPrecision(12));
  return { ...out, ...configured, [currency]: 1 };
}

let merged: { from: Record<string, number> | undefined; currency: string; over: Readonly<Record<string, SettingOverride>>; rates: Record<string, number> } | null = null;

/**
 * The rates in force, in units of the reporting currency: the built-in ones restated, with
 * CASHTRACE_FX_RATES over them and the rates an admin set on /admin over those (the same
 * object while none of them changes). A rate set for what is now the reporting currency
 * (the setting changed since) is 1, as that currency's rate always is.
 */
export function fxRates(): Record<string, number> {
  const { CASHTRACE_FX_RATES: configured, CASHTRACE_REPORTING_CURRENCY: currency } = env();
  const over = overrides().fx_rate;
  if (!merged || merged.from !== configured || merged.currency !== currency || merged.over !== over) {
    const set = overrideValues(over);
    delete set[currency];
    merged = { from: configured, currency, over, rates: ratesIn(currency, { ...configured, ...set }) };
  }
  return merged.rates;
}

/** Currencies of the list that have no rate: their amounts count 1:1 in every reporting total. */
export function unpricedCurrencies(currencies: string[], rates: Record<string, number> = fxRates()): string[] {
  return [...new Set(currencies.filter((c) => c && rates[c] === undefined))].sort();
}

/**
 * `amount` (Decimal or Float) in `currency` converted to the reporting currency, rounded to
 * cents. An unknown or empty currency counts at rate 1: the overview names such currencies
 * (unpricedCurrencies); an admin gives them a rate on /admin or with CASHTRACE_FX_RATES.
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
