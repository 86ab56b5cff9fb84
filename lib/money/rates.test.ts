import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv, resetEnvForTests } from '../env';
import { DEFAULT_FX_RATES, fxRates, unpricedCurrencies } from './rates';

afterEach(() => {
  delete process.env.CASHTRACE_FX_RATES;
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
});
