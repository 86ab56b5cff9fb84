// Business-time arithmetic as ClickHouse SQL, so durations against a calendar are computed
// in the database. Business time is calendar time with the clock stopped on non-working
// days (weekends and the legal entity's holidays), in UTC: "2 business days" = 48 business
// hours. A timestamp t maps to B(t) = business seconds since 1970-01-01; the business
// duration between two timestamps is B(end) − B(start).

import { sql, param, type Sql } from '../clickhouse/sql';
import { CALENDARS, weekdayHolidayNumbers, type BusinessCalendar } from './calendars';

/**
 * The sorted weekday-holiday day numbers for a legal-entity expression: one array per
 * calendar, chosen with multiIf. Compute it once per row (as a column) and pass that column
 * to businessSeconds.
 */
export function holidaysFor(legalEntity: Sql, calendars: BusinessCalendar[] = CALENDARS): Sql {
  const fallback = calendars.find((c) => c.legal_entities.includes('*'));
  const dflt = param('Array(Int64)', fallback ? weekdayHolidayNumbers(fallback) : []);
  const specific = calendars.filter((c) => c !== fallback);
  if (specific.length === 0) return sql`${dflt}`;
  const parts: Sql[] = specific.map(
    (c) => sql`has(${c.legal_entities}, ${legalEntity}), ${param('Array(Int64)', weekdayHolidayNumbers(c))}, `,
  );
  let out = sql`multiIf(`;
  for (const p of parts) out = sql`${out}${p}`;
  return sql`${out}${dflt})`;
}

/**
 * B(t): business seconds since the epoch. Weekdays before day n: 5 per whole week plus the
 * weekdays among the first n mod 7 days counted from Thursday (1970-01-01): [0,1,2,2,2,3,4].
 */
export function businessSeconds(t: Sql, holidays: Sql): Sql {
  const n = sql`intDiv(toInt64(toUnixTimestamp(${t})), 86400)`;
  return sql`((intDiv(${n}, 7) * 5 + [0, 1, 2, 2, 2, 3, 4][(${n} % 7) + 1] - arrayCount(h -> h < ${n}, ${holidays})) * 86400
    + if(toDayOfWeek(${t}) <= 5 AND NOT has(${holidays}, ${n}), toInt64(toUnixTimestamp(${t})) - ${n} * 86400, 0))`;
}

export type TimeUnit = 'business' | 'calendar';

/** Elapsed hours between two timestamps in business or calendar time (Float64). */
export function elapsedHours(start: Sql, end: Sql, unit: TimeUnit, holidays: Sql): Sql {
  if (unit === 'calendar') return sql`(dateDiff('second', ${start}, ${end}) / 3600)`;
  return sql`((${businessSeconds(end, holidays)} - ${businessSeconds(start, holidays)}) / 3600)`;
}
