import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, isTimeZone, localToUtcSeconds, utcOffsetSeconds } from './time-zone';

const at = (iso: string) => Date.parse(iso) / 1000;
const local = (iso: string) => Date.parse(`${iso}Z`) / 1000;

describe('time zones of calendars', () => {
  it('gives the offset from UTC at an instant, summer time included', () => {
    expect(utcOffsetSeconds('America/New_York', at('2026-12-04T12:00:00Z'))).toBe(-5 * 3600);
    expect(utcOffsetSeconds('America/New_York', at('2026-07-04T12:00:00Z'))).toBe(-4 * 3600);
    // New York moves to summer time at 07:00Z on 8 March 2026
    expect(utcOffsetSeconds('America/New_York', at('2026-03-08T06:59:59Z'))).toBe(-5 * 3600);
    expect(utcOffsetSeconds('America/New_York', at('2026-03-08T07:00:00Z'))).toBe(-4 * 3600);
    expect(utcOffsetSeconds('Europe/London', at('2026-10-25T00:59:59Z'))).toBe(3600);
    expect(utcOffsetSeconds('Europe/London', at('2026-10-25T01:00:00Z'))).toBe(0);
    expect(utcOffsetSeconds('Asia/Singapore', at('2026-12-04T12:00:00Z'))).toBe(8 * 3600);
    expect(utcOffsetSeconds('Asia/Kolkata', at('2026-12-04T12:00:00Z'))).toBe(5.5 * 3600);
    expect(utcOffsetSeconds('UTC', at('2026-12-04T12:00:00Z'))).toBe(0);
  });

  it('finds the instant of a local time, also in the hour skipped by summer time', () => {
    expect(localToUtcSeconds('America/New_York', local('2026-12-07T17:00:00'))).toBe(at('2026-12-07T22:00:00Z'));
    expect(localToUtcSeconds('America/New_York', local('2026-03-09T00:00:00'))).toBe(at('2026-03-09T04:00:00Z'));
    // 02:30 on 8 March 2026 does not exist in New York: the same distance after the change (03:30 EDT)
    expect(localToUtcSeconds('America/New_York', local('2026-03-08T02:30:00'))).toBe(at('2026-03-08T07:30:00Z'));
    expect(localToUtcSeconds('Asia/Singapore', local('2026-12-07T09:00:00'))).toBe(at('2026-12-07T01:00:00Z'));
  });

  it('knows the IANA names, spelt as ClickHouse spells them', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('America/Springfield')).toBe(false);
    expect(canonicalTimeZone('asia/singapore')).toBe('Asia/Singapore');
    expect(canonicalTimeZone('Etc/UTC')).toBe('UTC');
  });
});
