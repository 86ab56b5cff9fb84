// The SQL's business seconds (businessSeconds, what the clocks store and the SLA queries
// compute per row) equal the JS's (businessSecondsAt, what the snapshot ages open intervals
// with) on every calendar — the built-in ones and one of a firm's own with another week and
// time zone — across holidays, weekends, the index's first and last years and the block
// boundaries of its holiday index; its arrays as parameters or bound once in a WITH.

import { describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { param, sql } from '../clickhouse/sql';
import { sharedTempStore } from '../testing/shared-temp-store';
import { businessSeconds, businessSecondsAt, holidayArraysWith, type HolidayArrays } from './business-time';
import { configureCalendars } from './calendar-config';
import { BUILT_IN_CALENDAR_DEFS, HOLIDAY_BLOCK_DAYS, expandCalendars, weekdayHolidayNumbers } from './calendars';

let store: Store;
sharedTempStore((s) => (store = s));

const list = expandCalendars(
  configureCalendars(BUILT_IN_CALENDAR_DEFS, {
    calendars: [
      { id: 'sg', add_holidays: [{ name: 'Company closure', fixed: [12, 24] }] },
      { id: 'il', name: 'Israel', legal_entities: ['IL01'], working_days: [7, 1, 2, 3, 4], timezone: 'Asia/Jerusalem', holidays: [{ name: 'Company day', fixed: [5, 14] }] },
    ],
  }),
);

/** Unix seconds: each day of a few ranges (holidays of the year's end and Easter among them), at three times of day; every calendar's holidays; the blocks' edges. */
function instants(): number[] {
  const days = new Set<number>();
  const range = (from: string, n: number) => {
    const d0 = Math.floor(Date.parse(`${from}T00:00:00Z`) / 86_400_000);
    for (let i = 0; i < n; i++) days.add(d0 + i);
  };
  range('2000-01-01', 10);
  range('2026-03-28', 16); // Easter 2026: 3–6 April
  range('2026-12-20', 20);
  range('2100-12-20', 12);
  for (const c of list) for (const n of weekdayHolidayNumbers(c).filter((_, i) => i % 37 === 0)) days.add(n);
  for (let b = 215; b < 240; b++) for (const n of [b * HOLIDAY_BLOCK_DAYS - 1, b * HOLIDAY_BLOCK_DAYS]) days.add(n);
  return [...days].flatMap((n) => [0, 9.5 * 3600, 86_399].map((s) => n * 86_400 + s));
}

describe('business seconds', () => {
  it('are the same in SQL and in JS on every calendar', async () => {
    const times = instants();
    // the holiday index as parameters at each use, and bound once in the statement's WITH (as the clocks' refresh does)
    const bound = holidayArraysWith(list);
    const read = (arrays?: HolidayArrays) =>
      store.query<{ c: number; t: number; b: number }>(
        sql`${arrays ? sql`WITH ${bound.with_} ` : sql``}SELECT c, t, ${businessSeconds(sql`toDateTime(t, 'UTC')`, sql`c`, list, arrays)} AS b
          FROM (SELECT toUInt32(arrayJoin(${param('Array(Int64)', list.map((_, i) => i))})) AS c) AS cs
          CROSS JOIN (SELECT arrayJoin(${param('Array(Int64)', times)}) AS t) AS ts
          ORDER BY c, t`,
      );
    const rows = await read();
    expect(await read(bound.arrays)).toEqual(rows);
    expect(rows).toHaveLength(list.length * times.length);
    const wrong = rows
      .map((r) => ({ calendar: list[Number(r.c)].id, at: new Date(Number(r.t) * 1000).toISOString(), sql: Number(r.b), js: businessSecondsAt(new Date(Number(r.t) * 1000), list[Number(r.c)]) }))
      .filter((r) => r.sql !== r.js);
    expect(wrong.slice(0, 5)).toEqual([]);
    // holidays are among them: weekdays whose business seconds do not advance from 00:00 to 23:59:59
    const holidays = list.reduce((sum, c) => sum + weekdayHolidayNumbers(c).filter((n) => times.includes(n * 86_400)).length, 0);
    expect(holidays).toBeGreaterThan(100);
  }, 60_000);
});
