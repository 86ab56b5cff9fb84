// Business calendars: which days are working days, per legal entity. A default calendar
// (Monday–Friday, common holidays) plus holidays of each legal entity, as rules expanded
// for 2000–2100 (lib/sla/holidays.ts); CASHTRACE_CALENDARS (a JSON file) changes them or
// adds calendars (lib/sla/calendar-config.ts). Configuration, not data: changing it
// re-evaluates every business-time figure at the next query.

import { env } from '../env';
import { readConfigFile } from '../config-file';
import { configureCalendars, type CalendarDef } from './calendar-config';
import { expandHolidays, FIRST_YEAR, LAST_YEAR, type HolidayRule } from './holidays';
import { chineseNewYear } from './chinese-new-year';

export interface BusinessCalendar {
  id: string;
  name: string;
  /** Legal entities this calendar applies to ('*' = the default for every other entity). */
  legal_entities: string[];
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  working_days: number[];
  /** The IANA time zone whose days these are (UTC when absent). */
  timezone?: string;
  holidays: { date: string; name: string }[];
}

const NEW_YEAR: HolidayRule = { name: "New Year's Day", fixed: [1, 1] };
const GOOD_FRIDAY: HolidayRule = { name: 'Good Friday', easter: -2 };
const EASTER_MONDAY: HolidayRule = { name: 'Easter Monday', easter: 1 };
const CHRISTMAS: HolidayRule = { name: 'Christmas Day', fixed: [12, 25] };
const LABOUR_DAY: HolidayRule = { name: 'Labour Day', fixed: [5, 1] };

/** Holidays every entity observes (merged into the German calendar's own). */
const DEFAULT_HOLIDAY_RULES: HolidayRule[] = [NEW_YEAR, GOOD_FRIDAY, EASTER_MONDAY, CHRISTMAS];

/** Chinese New Year's first day, computed for every year events can carry (lib/sla/chinese-new-year.ts). */
const CHINESE_NEW_YEAR: Record<number, string> = {};
for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) CHINESE_NEW_YEAR[y] = chineseNewYear(y);
const dayAfter = (table: Record<number, string>) =>
  Object.fromEntries(Object.entries(table).map(([y, md]) => [y, new Date(Date.parse(`${y}-${md}T00:00:00Z`) + 86_400_000).toISOString().slice(5, 10)]));

const DEFS: CalendarDef[] = [
  { id: 'default', name: 'Default (Mon–Fri)', legal_entities: ['*'], working_days: [1, 2, 3, 4, 5], rules: DEFAULT_HOLIDAY_RULES },
  {
    id: 'de',
    name: 'Germany',
    legal_entities: ['DE01', 'Cashtrace GmbH', 'Cashtrace Beratung GmbH'],
    working_days: [1, 2, 3, 4, 5],
    rules: [
      ...DEFAULT_HOLIDAY_RULES,
      LABOUR_DAY,
      { name: 'Ascension Day', easter: 39 },
      { name: 'Whit Monday', easter: 50 },
      { name: 'German Unity Day', fixed: [10, 3] },
      { name: "St Stephen's Day", fixed: [12, 26] },
    ],
  },
  {
    id: 'uk',
    name: 'United Kingdom',
    legal_entities: ['UK01', 'Cashtrace Ltd', 'Cashtrace Consulting UK Ltd.'],
    working_days: [1, 2, 3, 4, 5],
    rules: [
      { ...NEW_YEAR, observe: 'uk' },
      GOOD_FRIDAY,
      EASTER_MONDAY,
      { name: 'Early May bank holiday', nth: [5, 1, 1] },
      { name: 'Spring bank holiday', nth: [5, 1, -1] },
      { name: 'Summer bank holiday', nth: [8, 1, -1] },
      { ...CHRISTMAS, observe: 'uk' },
      { name: 'Boxing Day', fixed: [12, 26], observe: 'uk' },
    ],
  },
  {
    id: 'us',
    name: 'United States',
    legal_entities: ['US01', 'Cashtrace Inc', 'Cashtrace Consulting Inc.'],
    working_days: [1, 2, 3, 4, 5],
    rules: [
      { ...NEW_YEAR, observe: 'us' },
      { name: 'Martin Luther King Jr. Day', nth: [1, 1, 3] },
      { name: 'Memorial Day', nth: [5, 1, -1] },
      { name: 'Independence Day', fixed: [7, 4], observe: 'us' },
      { name: 'Labor Day', nth: [9, 1, 1] },
      { name: 'Thanksgiving', nth: [11, 4, 4] },
      { ...CHRISTMAS, observe: 'us' },
    ],
  },
  {
    id: 'ca',
    name: 'Canada',
    legal_entities: ['CA01', 'Cashtrace Consulting Canada Ltd.'],
    working_days: [1, 2, 3, 4, 5],
    rules: [
      NEW_YEAR,
      { name: 'Family Day', nth: [2, 1, 3] },
      GOOD_FRIDAY,
      { name: 'Victoria Day', before: [5, 25, 1] },
      { name: 'Canada Day', fixed: [7, 1] },
      { name: 'Labour Day', nth: [9, 1, 1] },
      { name: 'Thanksgiving', nth: [10, 1, 2] },
      CHRISTMAS,
    ],
  },
  {
    id: 'sg',
    name: 'Singapore',
    legal_entities: ['SG01', 'Cashtrace Consulting Pte. Ltd.'],
    working_days: [1, 2, 3, 4, 5],
    rules: [
      { ...NEW_YEAR, observe: 'sunday-to-monday' },
      { name: 'Chinese New Year', dates: CHINESE_NEW_YEAR, observe: 'sunday-to-monday' },
      { name: 'Chinese New Year (day 2)', dates: dayAfter(CHINESE_NEW_YEAR), observe: 'sunday-to-monday' },
      GOOD_FRIDAY,
      { ...LABOUR_DAY, observe: 'sunday-to-monday' },
      { name: 'National Day', fixed: [8, 9], observe: 'sunday-to-monday' },
      { ...CHRISTMAS, observe: 'sunday-to-monday' },
    ],
  },
];

/** Calendars as rules, their holidays expanded for every year events can carry. */
export const expandCalendars = (defs: CalendarDef[]): BusinessCalendar[] => defs.map(({ rules, ...c }) => ({ ...c, holidays: expandHolidays(rules) }));

/** The built-in calendars as rules (what CASHTRACE_CALENDARS changes). */
export const BUILT_IN_CALENDAR_DEFS: readonly CalendarDef[] = DEFS;

/** The built-in calendars, their holidays expanded for every year events can carry (lib/sla/holidays.ts). */
export const CALENDARS: BusinessCalendar[] = expandCalendars(DEFS);

let configured: { file: string | undefined; list: BusinessCalendar[] } | null = null;

/**
 * The calendars in force: the built-in ones as CASHTRACE_CALENDARS changes them (the same
 * array while the configuration is: the SQL index and the clocks' hash are memoised on it).
 * An unreadable or invalid file throws, naming the file and every problem (start-up calls it).
 */
export function calendars(): BusinessCalendar[] {
  const file = env().CASHTRACE_CALENDARS;
  if (!configured || configured.file !== file) {
    let list = CALENDARS;
    if (file) {
      const text = readConfigFile(file, 'CASHTRACE_CALENDARS').toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new Error(`CASHTRACE_CALENDARS: ${file} is not JSON (${err instanceof Error ? err.message : err})`);
      }
      try {
        list = expandCalendars(configureCalendars(DEFS, json));
      } catch (err) {
        throw new Error(`CASHTRACE_CALENDARS: ${file}: ${err instanceof Error ? err.message : err}`);
      }
    }
    configured = { file, list };
  }
  return configured.list;
}

export function calendarFor(legalEntity: string, list: BusinessCalendar[] = calendars()): BusinessCalendar {
  return list.find((c) => c.legal_entities.includes(legalEntity)) ?? list.find((c) => c.legal_entities.includes('*'))!;
}

/** Is ISO weekday `iso` (1 = Monday) a working day of the calendar? */
export const isWorkingDay = (c: BusinessCalendar, iso: number) => c.working_days.includes(iso);

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number (1970-01-01, day 0, was a Thursday). */
export const isoWeekdayOf = (n: number) => ((((n + 3) % 7) + 7) % 7) + 1;

/** Days since 1970-01-01 (UTC) of an ISO date. */
export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / 86_400_000);
}

const weekdayHolidays = new WeakMap<BusinessCalendar, number[]>();

/** Holidays that fall on a working weekday, as sorted day numbers (weekend holidays change nothing). */
export function weekdayHolidayNumbers(c: BusinessCalendar): number[] {
  let out = weekdayHolidays.get(c);
  if (!out) {
    out = [...new Set(c.holidays.map((h) => dayNumber(h.date)))]
      .filter((n) => isWorkingDay(c, isoWeekdayOf(n)))
      .sort((a, b) => a - b);
    weekdayHolidays.set(c, out);
  }
  return out;
}

/** How many of the sorted day numbers are before day n (binary search). */
export function countBefore(sorted: number[], n: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Is day n one of the sorted day numbers (binary search)? */
export function isHoliday(sorted: number[], n: number): boolean {
  return sorted[countBefore(sorted, n)] === n;
}

/** Days per block of the holiday index (lib/sla/business-time.ts): a block's holidays are a bit mask below 2^52, exact as a JS number. */
export const HOLIDAY_BLOCK_DAYS = 52;

export interface HolidayIndex {
  /** The first block (intDiv(day, 52)) indexed; days before it and after the last fall in empty sentinel blocks. */
  lo: number;
  hi: number;
  /** Weekday holidays of the calendar before the block; calendar c's block b at c × (hi − lo + 1) + b − lo. */
  before: number[];
  /** The block's weekday holidays as bits (day − block × 52); at the same position. */
  mask: number[];
}

const indexes = new WeakMap<BusinessCalendar[], HolidayIndex>();

/**
 * The weekday holidays of a list of calendars as SQL looks them up per row: for the row's
 * calendar and the 52-day block of its day, the holidays before the block and the block's
 * holidays as a bit mask, read at the calendar's and block's position of two constant arrays
 * (arrayElement: 42–69 ms per 10M rows, transform() over a key array 80 ms; the three
 * arrays, repeated in each business-time expression of the clocks' refresh statement — the
 * key array 63 times, 31 KB each — were 1.2–1.5 s of its 2 s parse and plan, 2026-12-07;
 * the refresh binds the two left once: holidayArraysWith). An
 * array of a calendar's holidays chosen per row is copied into every row: with the old
 * hand-written lists (~15 holidays) 0.74 s per 10M rows, with a century of them 8.7–9.0 s
 * (chDB, 2026-12-06); arrayCount alone over 15 / 70 / 160 holidays 0.28 / 1.4 / 3.0 s.
 */
export function holidayIndex(calendars: BusinessCalendar[]): HolidayIndex {
  let out = indexes.get(calendars);
  if (out) return out;
  const B = HOLIDAY_BLOCK_DAYS;
  const days = calendars.map(weekdayHolidayNumbers);
  const all = days.flat();
  const lo = (all.length ? Math.floor(Math.min(...all) / B) : 0) - 1;
  const hi = (all.length ? Math.floor(Math.max(...all) / B) : 0) + 1;
  out = { lo, hi, before: [], mask: [] };
  days.forEach((list) => {
    let i = 0;
    for (let b = lo; b <= hi; b++) {
      const start = i;
      let mask = 0;
      while (i < list.length && Math.floor(list[i] / B) === b) mask += 2 ** (list[i++] - b * B);
      out!.before.push(start);
      out!.mask.push(mask);
    }
  });
  indexes.set(calendars, out);
  return out;
}
