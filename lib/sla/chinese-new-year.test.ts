import { describe, expect, it } from 'vitest';
import { chineseNewYear } from './chinese-new-year';
import { CALENDARS } from './calendars';

// The first day of the Chinese year as listed: 2000–2030 the calendars' table before the
// dates were computed; 2031–2050 the commonly published list (e.g. Wikipedia's table of
// Chinese New Year dates; 2031–2035 also seen in public code citing it), with which Node's
// ICU Chinese calendar agrees for those years too.
const PUBLISHED: Record<number, string> = {
  2000: '02-05', 2001: '01-24', 2002: '02-12', 2003: '02-01', 2004: '01-22', 2005: '02-09', 2006: '01-29', 2007: '02-18',
  2008: '02-07', 2009: '01-26', 2010: '02-14', 2011: '02-03', 2012: '01-23', 2013: '02-10', 2014: '01-31', 2015: '02-19',
  2016: '02-08', 2017: '01-28', 2018: '02-16', 2019: '02-05', 2020: '01-25', 2021: '02-12', 2022: '02-01', 2023: '01-22',
  2024: '02-10', 2025: '01-29', 2026: '02-17', 2027: '02-06', 2028: '01-26', 2029: '02-13', 2030: '02-03', 2031: '01-23',
  2032: '02-11', 2033: '01-31', 2034: '02-19', 2035: '02-08', 2036: '01-28', 2037: '02-15', 2038: '02-04', 2039: '01-24',
  2040: '02-12', 2041: '02-01', 2042: '01-22', 2043: '02-10', 2044: '01-30', 2045: '02-17', 2046: '02-06', 2047: '01-26',
  2048: '02-14', 2049: '02-02', 2050: '01-23',
};

describe('Chinese New Year', () => {
  it('falls on the published day every year from 2000 to 2050', () => {
    const years = Object.keys(PUBLISHED).map(Number);
    expect(Object.fromEntries(years.map((y) => [y, chineseNewYear(y)]))).toEqual(PUBLISHED);
  });

  it('waits a third month after a leap 11th month (2033: not the second new moon after the solstice, 20 January 2034)', () => {
    expect(chineseNewYear(2034)).toBe('02-19');
  });

  it('is in Singapore\'s calendar every year events can carry, with its second day', () => {
    const sg = CALENDARS.find((c) => c.id === 'sg')!.holidays;
    const days = (name: string) => sg.filter((h) => h.name === name).map((h) => h.date);
    expect(days('Chinese New Year')).toHaveLength(101);
    expect(days('Chinese New Year')).toEqual(expect.arrayContaining(['2031-01-23', '2061-01-21', '2100-02-09']));
    expect(days('Chinese New Year (day 2)')).toEqual(expect.arrayContaining(['2031-01-24', '2100-02-10']));
  });
});
