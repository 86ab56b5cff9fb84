// Business-time arithmetic as ClickHouse SQL, so durations against a calendar are computed
// in the database. Business time is calendar time with the clock stopped on non-working
// days (weekends and the legal entity's holidays), days as the calendar's time zone has them
// (UTC unless configured): "2 business days" = 48 business hours. A timestamp t maps to
// B(t) = business seconds since 1970-01-01 in local time; the business duration between two
// timestamps is B(end) − B(start). (A local day counts 24 hours: a working day on which the
// clocks change counts one hour more or less than it lasted.)

import { sql, param, trustedSql, type Sql } from '../clickhouse/sql';
import { localToUtcSeconds, utcOffsetSeconds } from './time-zone';
import { calendars as calendarsInForce, countBefore, holidayIndex, HOLIDAY_BLOCK_DAYS, isHoliday, isoWeekdayOf, isWorkingDay, weekdayHolidayNumbers, type BusinessCalendar, type HolidayIndex } from './calendars';

const shapes = new WeakMap<BusinessCalendar, { perWeek: number; prefix: number[] }>();

/**
 * A calendar's working week as B(t) counts it: working days per week, and the working days
 * among the first k days (k = 0…6) of a week counted from Thursday (1970-01-01 = day 0).
 * Monday–Friday: 5 and [0, 1, 2, 2, 2, 3, 4].
 */
export function weekShape(c: BusinessCalendar): { perWeek: number; prefix: number[] } {
  let out = shapes.get(c);
  if (!out) {
    const prefix = [0];
    for (let d = 0; d < 6; d++) prefix.push(prefix[d] + (isWorkingDay(c, isoWeekdayOf(d)) ? 1 : 0));
    out = { perWeek: c.working_days.length, prefix };
    shapes.set(c, out);
  }
  return out;
}

const MON_FRI = '1,2,3,4,5';

/** A calendar's time zone (UTC unless configured). */
export const timeZoneOf = (c: BusinessCalendar) => c.timezone ?? 'UTC';

/**
 * Local seconds since the epoch of `t` in the time zone of the row's calendar: t itself
 * where every calendar is in UTC, else t plus the offset of the calendar's zone at t.
 */
function localSeconds(t: Sql, calendar: Sql, calendars: BusinessCalendar[]): Sql {
  const secs = sql`toInt64(toUnixTimestamp(${t}))`;
  const zones = [...new Set(calendars.map(timeZoneOf))].filter((z) => z !== 'UTC');
  if (zones.length === 0) return secs;
  let offset = sql`multiIf(`;
  for (const zone of zones) {
    const ids = calendars.flatMap((c, i) => (timeZoneOf(c) === zone ? [i] : []));
    offset = sql`${offset}${calendar} IN (${trustedSql(ids.join(', '))}), toInt64(timeZoneOffset(toDateTime(${t}, ${zone}))), `;
  }
  return sql`(${secs} + ${offset}0))`;
}

/**
 * The calendar of a legal-entity expression, as its position in `calendars` (multiIf). Compute
 * it once per row (as a column) and pass that column to businessSeconds with the same list.
 */
export function holidaysFor(legalEntity: Sql, calendars: BusinessCalendar[] = calendarsInForce()): Sql {
  const fallback = Math.max(0, calendars.findIndex((c) => c.legal_entities.includes('*')));
  const specific = calendars.map((c, i) => ({ c, i })).filter(({ i }) => i !== fallback);
  if (specific.length === 0) return sql`toUInt32(${fallback})`;
  let out = sql`multiIf(`;
  for (const { c, i } of specific) out = sql`${out}has(${c.legal_entities}, ${legalEntity}), toUInt32(${i}), `;
  return sql`${out}toUInt32(${fallback}))`;
}

/**
 * The holiday index's two arrays as a statement names them: parameters where used (each use
 * repeats the array: ~45 KB), or once in its WITH (holidayArraysWith) and then by alias — a
 * statement of many business-time expressions (the clocks' refresh, ~20) then parses and
 * folds them once, not at every use.
 */
export interface HolidayArrays {
  mask: Sql;
  before: Sql;
}

const inlineArrays = (ix: HolidayIndex): HolidayArrays => ({ mask: sql`${param('Array(Int64)', ix.mask)}`, before: sql`${param('Array(Int64)', ix.before)}` });

/** The arrays bound once, for a statement's WITH clause: `WITH ${with_}, … SELECT …`, then `arrays` wherever businessSeconds is used in it (its subqueries too). */
export function holidayArraysWith(calendars: BusinessCalendar[] = calendarsInForce()): { with_: Sql; arrays: HolidayArrays } {
  const inline = inlineArrays(holidayIndex(calendars));
  return {
    with_: sql`${inline.mask} AS cashtrace_holiday_mask, ${inline.before} AS cashtrace_holidays_before`,
    arrays: { mask: sql`cashtrace_holiday_mask`, before: sql`cashtrace_holidays_before` },
  };
}

/**
 * B(t): business seconds since the epoch. Working days before day n: per whole week, plus
 * those among the first n mod 7 days counted from Thursday (1970-01-01; weekShape: for
 * Monday–Friday 5 and [0,1,2,2,2,3,4], constants unless a calendar has another week); less the
 * holidays before day n: those before its 52-day block, and the bits of the block's mask
 * below its day (holidayIndex). `arrays`: the index as the statement binds it
 * (holidayArraysWith over the same calendars); parameters at this use without.
 */
export function businessSeconds(t: Sql, calendar: Sql, calendars: BusinessCalendar[] = calendarsInForce(), arrays?: HolidayArrays): Sql {
  const ix = holidayIndex(calendars);
  const arr = arrays ?? inlineArrays(ix);
  const B = trustedSql(String(HOLIDAY_BLOCK_DAYS));
  const local = localSeconds(t, calendar, calendars);
  const n = sql`intDiv(${local}, 86400)`;
  const block = sql`least(greatest(intDiv(${n}, ${B}), ${ix.lo}), ${ix.hi})`;
  // the row's calendar and block as a position in the index's arrays (calendar-major, every block lo..hi)
  const at = sql`(toInt64(${calendar}) * ${ix.hi - ix.lo + 1} + ${block} - ${ix.lo} + 1)`;
  const bit = sql`least(greatest(${n} - ${block} * ${B}, 0), ${B} - 1)`;
  const mask = sql`toUInt64(arrayElement(${arr.mask}, ${at}))`;
  const before = sql`(arrayElement(${arr.before}, ${at}) + bitCount(bitAnd(${mask}, bitShiftLeft(toUInt64(1), ${bit}) - 1)))`;
  const secondsOfDay = sql`${local} - ${n} * 86400`;
  if (calendars.every((c) => c.working_days.join() === MON_FRI && timeZoneOf(c) === 'UTC')) {
    return sql`((intDiv(${n}, 7) * 5 + [0, 1, 2, 2, 2, 3, 4][(${n} % 7) + 1] - ${before}) * 86400
    + if(toDayOfWeek(${t}) <= 5 AND NOT bitTest(${mask}, ${bit}), ${secondsOfDay}, 0))`;
  }
  // per calendar: working days per week, the week's prefix counts (7 per calendar), the working weekdays as bits
  const shape = calendars.map(weekShape);
  const perWeek = trustedSql(`[${shape.map((w) => w.perWeek).join(', ')}]`);
  const prefix = trustedSql(`[${shape.flatMap((w) => w.prefix).join(', ')}]`);
  const days = trustedSql(`[${calendars.map((c) => c.working_days.reduce((m, d) => m + 2 ** d, 0)).join(', ')}]`);
  return sql`((intDiv(${n}, 7) * ${perWeek}[${calendar} + 1] + ${prefix}[${calendar} * 7 + (${n} % 7) + 1] - ${before}) * 86400
    + if(bitTest(${days}[${calendar} + 1], ((${n} + 3) % 7) + 1) AND NOT bitTest(${mask}, ${bit}), ${secondsOfDay}, 0))`;
}

/**
 * businessSeconds for one timestamp, in JS: B(now) is a constant per calendar, so the clocks'
 * snapshot (which stores B(anchor)) ages open intervals without the expression per row.
 * Same arithmetic as the SQL (whole seconds, as toUnixTimestamp; UTC days).
 */
export function businessSecondsAt(t: Date, c: BusinessCalendar): number {
  const holidays = weekdayHolidayNumbers(c);
  const secs = Math.floor(t.getTime() / 1000);
  const local = secs + utcOffsetSeconds(timeZoneOf(c), secs);
  const n = Math.floor(local / 86_400);
  return workingDaysBefore(n, c, holidays) * 86_400 + (isWorkingDay(c, isoWeekdayOf(n)) && !isHoliday(holidays, n) ? local - n * 86_400 : 0);
}

/** Working days of the calendar before local day n (days since 1970-01-01). */
function workingDaysBefore(n: number, c: BusinessCalendar, holidays = weekdayHolidayNumbers(c)): number {
  const { perWeek, prefix } = weekShape(c);
  return Math.floor(n / 7) * perWeek + prefix[n % 7] - countBefore(holidays, n);
}

/**
 * The first instant at or after `t` that is `secs` business seconds after it (B(u) = B(t) +
 * secs): "2 business days after" a timestamp as the clocks count them (a start on a weekend or
 * holiday counts from the next working day's midnight).
 */
export function addBusinessSeconds(t: Date, secs: number, c: BusinessCalendar): Date {
  const holidays = weekdayHolidayNumbers(c);
  const target = businessSecondsAt(t, c) + secs;
  const tz = timeZoneOf(c);
  const tSecs = Math.floor(t.getTime() / 1000);
  // from the local day of t, the first working day whose business seconds reach the target
  for (let n = Math.floor((tSecs + utcOffsetSeconds(tz, tSecs)) / 86_400); ; n++) {
    if (!isWorkingDay(c, isoWeekdayOf(n)) || isHoliday(holidays, n)) continue;
    const startB = workingDaysBefore(n, c, holidays) * 86_400;
    if (target < startB + 86_400) return new Date(Math.max(t.getTime(), localToUtcSeconds(tz, n * 86_400 + (target - startB)) * 1000));
  }
}

/**
 * B(now) by the calendar of a legal-entity column, as transform() over every entity named by
 * a calendar (the first calendar naming it wins, as in holidaysFor): on a LowCardinality
 * column it is evaluated per distinct value (multiIf of has() per row: ~300 ms at 4M rows).
 */
export function businessSecondsNowSql(legalEntity: Sql, now: Date, calendars: BusinessCalendar[] = calendarsInForce()): Sql {
  const fallback = calendars.find((c) => c.legal_entities.includes('*'));
  const entities: string[] = [];
  const values: number[] = [];
  for (const c of calendars) {
    if (c === fallback) continue;
    for (const e of c.legal_entities) {
      if (entities.includes(e)) continue;
      entities.push(e);
      values.push(businessSecondsAt(now, c));
    }
  }
  const dflt = fallback ? businessSecondsAt(now, fallback) : businessSecondsAt(now, { ...calendars[0], holidays: [] });
  return sql`transform(${legalEntity}, ${entities}, ${param('Array(Int64)', values)}, ${dflt})`;
}

export type TimeUnit = 'business' | 'calendar';

/** Elapsed hours between two timestamps in business or calendar time (Float64). */
export function elapsedHours(start: Sql, end: Sql, unit: TimeUnit, holidays: Sql, arrays?: HolidayArrays): Sql {
  if (unit === 'calendar') return sql`(dateDiff('second', ${start}, ${end}) / 3600)`;
  return sql`((${businessSeconds(end, holidays, undefined, arrays)} - ${businessSeconds(start, holidays, undefined, arrays)}) / 3600)`;
}
