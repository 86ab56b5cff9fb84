import { describe, expect, it } from 'vitest';
import { formatCount, formatHours, formatMoney, formatPercent } from './format';

describe('formatMoney', () => {
  it('spells amounts in full in their currency', () => {
    expect(formatMoney(1234.5, 'EUR')).toBe('€1,234.50');
    expect(formatMoney(-20, 'USD')).toBe('-US$20.00');
    expect(formatMoney(null, 'EUR')).toBe('—');
    expect(formatMoney(5, 'not a code')).toBe('€5.00');
  });

  it('scales compact amounts itself, the same on any ICU (k, m, bn; one decimal, none when whole)', () => {
    expect(formatMoney(39_000, 'EUR', { compact: true })).toBe('€39k');
    expect(formatMoney(1_149_999, 'EUR', { compact: true })).toBe('€1.1m');
    expect(formatMoney(26_800_000, 'GBP', { compact: true })).toBe('£26.8m');
    expect(formatMoney(2_500_000_000, 'USD', { compact: true })).toBe('US$2.5bn');
    expect(formatMoney(999_960, 'EUR', { compact: true })).toBe('€1m');
    expect(formatMoney(950, 'SGD', { compact: true })).toBe('SGD\u00a0950'); // Intl's no-break space
    expect(formatMoney(-75_900, 'EUR', { compact: true })).toBe('-€75.9k');
    expect(formatMoney(0, 'EUR', { compact: true })).toBe('€0');
  });
});

describe('formatHours', () => {
  it('shows hours under two days, days beyond, and minutes as under a tenth of an hour (never "0 h" for a late item)', () => {
    expect(formatHours(35.63)).toBe('35.6 h');
    expect(formatHours(49)).toBe('2 d');
    expect(formatHours(0.02)).toBe('< 0.1 h');
    expect(formatHours(-0.02)).toBe('> -0.1 h');
    expect(formatHours(0)).toBe('0 h');
    expect(formatHours(0.06)).toBe('0.1 h');
    expect(formatHours(null)).toBe('—');
  });
});

describe('formatCount', () => {
  it('separates thousands and shows a missing count as a dash', () => {
    expect(formatCount(1227)).toBe('1,227');
    expect(formatCount(3_361_000)).toBe('3,361,000');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe('—');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('rounds to a tenth of a percent, and never shows a share above nothing as 0% or one below all as 100%', () => {
    expect(formatPercent(0.9505716)).toBe('95.1%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(1 / 2974)).toBe('<0.1%');
    expect(formatPercent(0.0005)).toBe('0.1%');
    expect(formatPercent(2973 / 2974)).toBe('>99.9%');
    expect(formatPercent(null)).toBe('—');
  });
});
