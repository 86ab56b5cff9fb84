import { describe, it, expect } from 'vitest';
import { CALENDARS, calendarFor, dayNumber, weekdayHolidayNumbers } from './calendars';

describe('business calendars', () => {
  it('maps legal entities to their calendar, others to the default', () => {
    expect(calendarFor('UK01').id).toBe('uk');
    expect(calendarFor('Cashtrace GmbH').id).toBe('de');
    expect(calendarFor('XX99').id).toBe('default');
  });

  it('keeps only holidays that fall on working days, as sorted day numbers', () => {
    const uk = weekdayHolidayNumbers(calendarFor('UK01'));
    // 2026-04-03 (Good Friday) and 2026-04-06 (Easter Monday) are weekdays
    expect(uk).toContain(dayNumber('2026-04-03'));
    expect(uk).toContain(dayNumber('2026-04-06'));
    expect([...uk].sort((a, b) => a - b)).toEqual(uk);
    // 2025-12-25 was a Thursday (kept); no Saturday or Sunday survives
    for (const n of uk) expect([5, 6]).not.toContain(((n + 3) % 7));
  });

  it('counts days from the Unix epoch', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('2026-04-10T12:00:00Z')).toBe(20553);
  });

  it('has exactly one default calendar', () => {
    expect(CALENDARS.filter((c) => c.legal_entities.includes('*'))).toHaveLength(1);
  });
});
