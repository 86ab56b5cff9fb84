import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv, resetEnvForTests } from '../env';
import { DEFAULT_FX_RATES, fxRates, ratesIn, reportingCurrency, unpricedCurrencies } from './rates';

afterEach(() => {
  delete process.env.CASHTRACE_FX_RATES;
  delete process.env.CASHTRACE_REPORTING_CURRENCY;
  resetEnvForTests();
});

describe('exchange rates', () => {
  it('reads CASHTRACE_FX_RATES as CODE=rate pairs, and refuses anything else naming the pair', () => {
    expect(parseEnv({ CASHTRACE_FX_RATES: 'AUD=0.61, INR=0.011,USD=0.92' }).CASHTRACE_FX_RATES).toEqual({ AUD: 0.61, INR: 0.011, USD: 0.92 });
    for (const bad of ['AUD', 'aud=0.6', 'AUD=0', 'AUD=-1', 'AUD=abc', 'AUDX=1', 'AUD=0.6;INR=1']) {
      expect(() => parseEnv({ CASHTRACE_FX_RATES: bad }), bad).toThrow(/CASHTRACE_FX_RATES: .* is not CODE=rate/);
    }
  });

  it('puts the configured rates over the built-in ones, and names the currencies left without one', () => {
    expect(fxRates()).toEqual(DEFAULT_FX_RATES);
    expect(unpricedCurrencies(['EUR', 'AUD', 'USD', 'AUD', '', 'INR'])).toEqual(['AUD', 'INR']);
    process.env.CASHTRACE_FX_RATES = 'AUD=0.61,USD=0.92';
    resetEnvForTests();
    expect(fxRates()).toMatchObject({ AUD: 0.61, USD: 0.92, GBP: DEFAULT_FX_RATES.GBP });
    expect(fxRates()).toBe(fxRates());
    expect(unpricedCurrencies(['EUR', 'AUD', 'INR'])).toEqual(['INR']);
  });

  it('restates the rates in another reporting currency, with the configured ones in its units', () => {
    expect(reportingCurrency()).toBe('EUR');
    process.env.CASHTRACE_REPORTING_CURRENCY = 'USD';
    resetEnvForTests();
    expect(reportingCurrency()).toBe('USD');
    const usd = fxRates();
    expect(usd.USD).toBe(1);
    expect(usd.EUR).toBeCloseTo(1 / 0.9, 10);
    expect(usd.GBP).toBeCloseTo(1.2 / 0.9, 10);
    expect(Object.keys(usd).sort()).toEqual(Object.keys(DEFAULT_FX_RATES).sort());
    // configured rates are units of the reporting currency: EUR=1.08 restates every built-in one through it
    expect(ratesIn('USD', { EUR: 1.08, AUD: 0.65 })).toMatchObject({ USD: 1, EUR: 1.08, GBP: 1.296, AUD: 0.65 });
    // a currency without a built-in rate needs the euro's rate in it
    expect(() => ratesIn('AUD')).toThrow('CASHTRACE_REPORTING_CURRENCY=AUD: no built-in rate relates AUD to the others; set CASHTRACE_FX_RATES=EUR=<units of AUD per euro>');
    expect(ratesIn('AUD', { EUR: 1.64 })).toMatchObject({ AUD: 1, EUR: 1.64, USD: 1.476 });
    expect(() => ratesIn('USD', { USD: 0.9 })).toThrow('CASHTRACE_FX_RATES: USD=0.9: USD is the reporting currency (CASHTRACE_REPORTING_CURRENCY); its rate is 1');
    expect(ratesIn('EUR')).toEqual(DEFAULT_FX_RATES);
    expect(() => parseEnv({ CASHTRACE_REPORTING_CURRENCY: 'usd' })).toThrow(/CASHTRACE_REPORTING_CURRENCY: an ISO-4217 code in capitals/);
  });
});
