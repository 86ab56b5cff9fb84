import { describe, expect, it } from 'vitest';
import { easterSunday, expandHolidays, holidaysOfYear, type HolidayRule } from './holidays';
import { CALENDARS, calendarFor, dayNumber, weekdayHolidayNumbers } from './calendars';

const of = (id: string, year: number) => CALENDARS.find((c) => c.id === id)!.holidays.filter((h) => h.date.startsWith(String(year)));
const dates = (id: string, year: number) => of(id, year).map((h) => `${h.date} ${h.name}`);

describe('holiday rules', () => {
  it('finds Easter Sunday', () => {
    const iso = (y: number) => new Date(easterSunday(y)).toISOString().slice(0, 10);
    expect([2000, 2003, 2019, 2024, 2025, 2026, 2027, 2038, 2100].map(iso)).toEqual([
      '2000-04-23', '2003-04-20', '2019-04-21', '2024-03-31', '2025-04-20', '2026-04-05', '2027-03-28', '2038-04-25', '2100-03-28',
    ]);
  });

  it('gives 2026 the dates the calendars listed by hand before the rules, and more where the list had stopped', () => {
    expect(dates('default', 2026)).toEqual(['2026-01-01 New Year\'s Day', '2026-04-03 Good Friday', '2026-04-06 Easter Monday', '2026-12-25 Christmas Day']);
    expect(dates('us', 2026)).toEqual([
      "2026-01-01 New Year's Day", '2026-01-19 Martin Luther King Jr. Day', '2026-05-25 Memorial Day', '2026-07-03 Independence Day (observed)',
      '2026-07-04 Independence Day', '2026-09-07 Labor Day', '2026-11-26 Thanksgiving', '2026-12-25 Christmas Day',
    ]);
    expect(dates('ca', 2026)).toEqual([
      "2026-01-01 New Year's Day", '2026-02-16 Family Day', '2026-04-03 Good Friday', '2026-05-18 Victoria Day', '2026-07-01 Canada Day',
      '2026-09-07 Labour Day', '2026-10-12 Thanksgiving', '2026-12-25 Christmas Day',
    ]);
    expect(dates('sg', 2026)).toEqual([
      "2026-01-01 New Year's Day", '2026-02-17 Chinese New Year', '2026-02-18 Chinese New Year (day 2)', '2026-04-03 Good Friday',
      '2026-05-01 Labour Day', '2026-08-09 National Day', '2026-08-10 National Day (observed)', '2026-12-25 Christmas Day',
    ]);
    expect(dates('uk', 2026)).toContain('2026-12-28 Boxing Day (substitute)');
    expect(dates('de', 2026)).toEqual(expect.arrayContaining(['2026-05-14 Ascension Day', '2026-05-25 Whit Monday', '2026-10-03 German Unity Day']));
  });

  it('moves weekend holidays as each country observes them', () => {
    // UK 2027: Christmas on a Saturday, Boxing Day on a Sunday; 2022: Christmas on a Sunday, Boxing Day a Monday
    expect(dates('uk', 2027).slice(-4)).toEqual(['2027-12-25 Christmas Day', '2027-12-26 Boxing Day', '2027-12-27 Christmas Day (substitute)', '2027-12-28 Boxing Day (substitute)']);
    expect(dates('uk', 2022).slice(-3)).toEqual(['2022-12-25 Christmas Day', '2022-12-26 Boxing Day', '2022-12-27 Christmas Day (substitute)']);
    // US: a Saturday to the Friday before (New Year's Day 2028 on 31 Dec 2027), a Sunday to the Monday after
    expect(dates('us', 2027)).toEqual(expect.arrayContaining(['2027-07-05 Independence Day (observed)', '2027-12-24 Christmas Day (observed)', "2027-12-31 New Year's Day (observed)"]));
    // Singapore: Sunday to Monday, past a day that is a holiday already (Chinese New Year 2027: Sat 6, Sun 7 Feb)
    expect(dates('sg', 2027).slice(1, 4)).toEqual(['2027-02-06 Chinese New Year', '2027-02-07 Chinese New Year (day 2)', '2027-02-08 Chinese New Year (day 2) (observed)']);
    expect(dates('sg', 2023).slice(2, 5)).toEqual(['2023-01-22 Chinese New Year', '2023-01-23 Chinese New Year (day 2)', '2023-01-24 Chinese New Year (observed)']);
    // the observed day is what stops business time: the Sunday itself changes nothing
    expect(weekdayHolidayNumbers(calendarFor('SG01')).filter((n) => n >= dayNumber('2023-01-21') && n <= dayNumber('2023-01-25'))).toEqual([dayNumber('2023-01-23'), dayNumber('2023-01-24')]);
    // Germany does not move them: Christmas 2027 on a Saturday stays there
    expect(dates('de', 2027)).toContain('2027-12-25 Christmas Day');
  });

  it('finds nth and last weekdays, and the Monday before 25 May', () => {
    const rules: HolidayRule[] = [{ name: 'first Mon Sep', nth: [9, 1, 1] }, { name: 'last Mon May', nth: [5, 1, -1] }, { name: 'fourth Thu Nov', nth: [11, 4, 4] }, { name: 'Victoria', before: [5, 25, 1] }];
    expect(holidaysOfYear(rules, 2021).map((h) => h.date)).toEqual(['2021-05-24', '2021-05-31', '2021-09-06', '2021-11-25']);
    expect(holidaysOfYear(rules, 2026).map((h) => h.date)).toEqual(['2026-05-18', '2026-05-25', '2026-09-07', '2026-11-26']);
  });

  it('covers every year events can carry, sorted, a table of dates only in its years', () => {
    const all = expandHolidays([{ name: 'Christmas', fixed: [12, 25] }]);
    expect(all).toHaveLength(101);
    expect([all[0].date, all[100].date]).toEqual(['2000-12-25', '2100-12-25']);
    const sg = calendarFor('SG01').holidays;
    expect(sg.map((h) => h.date)).toEqual([...sg.map((h) => h.date)].sort());
    expect(sg.filter((h) => h.name === 'Chinese New Year').map((h) => h.date.slice(0, 4))).toEqual(Array.from({ length: 101 }, (_, i) => String(2000 + i)));
    expect(expandHolidays([{ name: 'Vesak Day', dates: { 2027: '05-20', 2028: '05-09' } }]).map((h) => h.date)).toEqual(['2027-05-20', '2028-05-09']);
    // 2099: Independence Day on a Saturday, Christmas on a Friday, New Year's Day 2100 on a Friday
    expect(calendarFor('US01').holidays.filter((h) => h.date.startsWith('2099')).map((h) => h.name)).toEqual([
      "New Year's Day", 'Martin Luther King Jr. Day', 'Memorial Day', 'Independence Day (observed)', 'Independence Day', 'Labor Day', 'Thanksgiving', 'Christmas Day',
    ]);
  });
});
