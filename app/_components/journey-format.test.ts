import { describe, expect, it } from 'vitest';
import { formatAxisTime, formatLate } from './journey-format';
import { formatHours } from '@/lib/money/format';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-12-03T15:01:00Z');

describe('formatAxisTime', () => {
  it('labels a journey of hours with the time of day, so ticks on one day differ', () => {
    const span = 9 * HOUR;
    const labels = Array.from({ length: 6 }, (_, i) => formatAxisTime(t0 + (span * i) / 5, span / 5));
    expect(new Set(labels).size).toBe(6);
    expect(labels[0]).toBe('03 Dec, 15:01');
    expect(labels[5]).toBe('04 Dec, 00:01');
  });

  it('labels a journey of four days with times too: ticks under a day apart would repeat a date', () => {
    const span = 4.3 * 24 * HOUR;
    const labels = Array.from({ length: 6 }, (_, i) => formatAxisTime(t0 + (span * i) / 5, span / 5));
    expect(new Set(labels).size).toBe(6);
    expect(new Set(labels.map((l) => l.slice(0, 6))).size).toBeLessThan(6); // two ticks on one date
  });

  it('labels a journey of weeks with dates', () => {
    expect(formatAxisTime(t0, (40 * 24 * HOUR) / 5)).toBe('03 Dec 2026');
  });
});

describe('formatLate', () => {
  it('reads a step’s lateness as the deal’s open item and the stuck queues read the same hours', () => {
    // 899.74 h: the journey said "37 d" beside its open item's "37.5 d"
    const ms = 3_239_057_000;
    expect(formatLate(ms)).toBe(formatHours(ms / HOUR));
    expect(formatLate(ms)).toBe('37.5 d');
    expect(formatLate(30 * HOUR)).toBe('30 h');
    expect(formatLate(60_000)).toBe('< 0.1 h');
    expect(formatLate(null)).toBe('—');
  });
});
