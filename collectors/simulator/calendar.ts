// Business time for the simulated firm: working hours 09:00-18:00 local on weekdays,
// per legal entity time zone. Steps between systems are measured in working hours so
// events land in office hours and weekends stay quiet, as in a real firm's week.

import type { Rng } from './prng';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
const OPEN = 9;
const CLOSE = 18;
export const WORK_HOURS_PER_DAY = CLOSE - OPEN;

/** Local midnight (as a UTC instant) of the local day containing t. */
export function localDayStart(t: number, off: number): number {
  const local = t + off * HOUR;
  return local - (((local % DAY) + DAY) % DAY) - off * HOUR;
}

/** 0 = Sunday … 6 = Saturday, in local time. */
export function localWeekday(t: number, off: number): number {
  // 1970-01-01 was a Thursday (4); plain arithmetic is much cheaper than a Date per call.
  const days = Math.floor((t + off * HOUR) / DAY);
  return (((days + 4) % 7) + 7) % 7;
}

export function isWeekend(t: number, off: number): boolean {
  const d = localWeekday(t, off);
  return d === 0 || d === 6;
}

/** The next instant at or after t that is inside working hours. */
export function nextOpen(t: number, off: number): number {
  let day = localDayStart(t, off);
  for (let i = 0; i < 10; i++) {
    if (!isWeekend(day + 12 * HOUR, off)) {
      const open = day + OPEN * HOUR;
      const close = day + CLOSE * HOUR;
      if (t < open) return open;
      if (t < close) return t;
    }
    day += DAY;
    t = Math.max(t, day);
  }
  return t;
}

/** t plus the given number of working hours (skipping nights and weekends). */
export function addWorkingHours(t: number, hours: number, off: number): number {
  let cur = nextOpen(t, off);
  let left = hours * HOUR;
  for (let guard = 0; guard < 10_000; guard++) {
    const close = localDayStart(cur, off) + CLOSE * HOUR;
    if (cur + left <= close) return cur + left;
    left -= close - cur;
    cur = nextOpen(close + 1, off);
  }
  return cur;
}

/**
 * A step that takes between min and max business days (fractions allowed), landing in
 * working hours. Short steps cluster near min: most hand-offs are quick, a few drag.
 */
export function afterBusinessDays(rng: Rng, t: number, min: number, max: number, off: number): number {
  const u = rng.next();
  const days = min + (max - min) * u * u;
  const hours = Math.max(0.05, days * WORK_HOURS_PER_DAY);
  return addWorkingHours(t, hours + rng.float(0, 0.25), off);
}

/** Calendar time later (machines and card payments do not keep office hours). */
export function afterMinutes(rng: Rng, t: number, min: number, max: number): number {
  return t + Math.round(rng.float(min, max) * 60_000);
}

/** End of the local week (Sunday 23:59:59) containing t. */
export function weekEnd(t: number, off: number): number {
  const day = localDayStart(t, off);
  const wd = localWeekday(day + 12 * HOUR, off);
  return day + ((7 - wd) % 7) * DAY + DAY - 1000;
}

/** Local midnight of the first day of the month after t. */
export function nextMonthStart(t: number, off: number): number {
  const d = new Date(t + off * HOUR);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - off * HOUR;
}

/** Month key (YYYY-MM) of t in local time. */
export function monthKey(t: number, off: number): string {
  return new Date(t + off * HOUR).toISOString().slice(0, 7);
}

export function iso(t: number): string {
  return new Date(t).toISOString();
}
