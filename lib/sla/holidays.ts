// Holidays as rules, expanded for every year an event can carry (2000–2100): a fixed date,
// a day relative to Easter, the nth (or last) weekday of a month, or a table of dates for
// holidays of a lunar calendar, or one day. A holiday that falls on a weekend moves as its country's
// rule says: the United States to the Friday before or the Monday after, the United Kingdom
// to the next weekday that is not already a holiday ("substitute"), Singapore from a
// Sunday to the Monday. Until 2026-12-06 the calendars listed 2026's dates only, so from
// 2027 on every holiday would have counted as a working day.

export interface Holiday {
  date: string;
  name: string;
}

/** How a holiday that falls on a Saturday or Sunday is observed. */
export type Observance = 'us' | 'uk' | 'sunday-to-monday';

export type HolidayRule = { name: string; observe?: Observance } & (
  | { fixed: [month: number, day: number] }
  | { easter: number }
  /** The nth ISO weekday (1 = Monday) of a month; n = -1 for the last. */
  | { nth: [month: number, weekday: number, n: number] }
  /** The last ISO weekday strictly before a date (Victoria Day: the Monday before 25 May). */
  | { before: [month: number, day: number, weekday: number] }
  /** Dates by year ('MM-DD'): holidays of a lunar calendar; none in a year not listed. */
  | { dates: Record<number, string> }
  /** One day ('YYYY-MM-DD'): a one-off holiday or a company closure. */
  | { date: string }
);

export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

const DAY = 86_400_000;
const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const isoWeekday = (t: number) => ((new Date(t).getUTCDay() + 6) % 7) + 1;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm). */
export function easterSunday(y: number): number {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(y, month, day);
}

function dayOf(rule: HolidayRule, y: number): number | null {
  if ('fixed' in rule) {
    const t = utc(y, rule.fixed[0], rule.fixed[1]);
    return new Date(t).getUTCDate() === rule.fixed[1] ? t : null; // 29 February: leap years only
  }
  if ('easter' in rule) return easterSunday(y) + rule.easter * DAY;
  if ('nth' in rule) {
    const [month, weekday, n] = rule.nth;
    if (n > 0) {
      const first = utc(y, month, 1);
      return first + (((weekday - isoWeekday(first) + 7) % 7) + 7 * (n - 1)) * DAY;
    }
    const last = utc(y, month + 1, 1) - DAY;
    return last - ((isoWeekday(last) - weekday + 7) % 7) * DAY;
  }
  if ('before' in rule) {
    const [month, day, weekday] = rule.before;
    const limit = utc(y, month, day) - DAY;
    return limit - ((isoWeekday(limit) - weekday + 7) % 7) * DAY;
  }
  if ('date' in rule) return rule.date.startsWith(`${y}-`) ? Date.parse(`${rule.date}T00:00:00Z`) : null;
  const md = rule.dates[y];
  return md ? Date.parse(`${y}-${md}T00:00:00Z`) : null;
}

/**
 * The holidays of a set of rules in one year, sorted; a weekend one whose rule observes it
 * also on the day it is observed (which may fall in the year before: a US New Year's Day on
 * a Saturday is observed on 31 December).
 */
export function holidaysOfYear(rules: HolidayRule[], y: number): Holiday[] {
  const days = rules.flatMap((rule) => {
    const t = dayOf(rule, y);
    return t === null ? [] : [{ t, rule }];
  });
  const moves = (h: { t: number; rule: HolidayRule }) => (h.rule.observe === 'sunday-to-monday' ? isoWeekday(h.t) === 7 : !!h.rule.observe && isoWeekday(h.t) >= 6);
  // a weekend holiday stays listed on its day (it changes nothing there) beside the day it is observed
  const out = days.map((h) => ({ t: h.t, name: h.rule.name }));
  const taken = new Set(out.map((h) => h.t));
  for (const { t, rule } of days.filter(moves).sort((a, b) => a.t - b.t)) {
    let to = t + (rule.observe === 'us' && isoWeekday(t) === 6 ? -1 : 1) * DAY;
    // the next weekday that is no holiday already (a US Friday or Monday is never taken twice)
    if (rule.observe !== 'us') while (isoWeekday(to) >= 6 || taken.has(to)) to += DAY;
    taken.add(to);
    out.push({ t: to, name: `${rule.name} (${rule.observe === 'uk' ? 'substitute' : 'observed'})` });
  }
  return out.sort((a, b) => a.t - b.t || a.name.localeCompare(b.name)).map((h) => ({ date: iso(h.t), name: h.name }));
}

/** The holidays of a set of rules in a span of years (by default every year events can carry). */
export function expandHolidays(rules: HolidayRule[], from = FIRST_YEAR, to = LAST_YEAR): Holiday[] {
  const out: Holiday[] = [];
  for (let y = from; y <= to; y++) out.push(...holidaysOfYear(rules, y));
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.name.localeCompare(b.name));
}
