// Business-day arithmetic for journey deadlines: Saturdays and Sundays are skipped (UTC).
// Holiday calendars per legal entity belong to the SLA module; the journey page only
// needs "when was the next step due" to the day.

const DAY_MS = 86_400_000;

function isWeekend(d: Date): boolean {
  const w = d.getUTCDay();
  return w === 0 || w === 6;
}

/** `start` plus `days` business days, keeping the time of day; a weekend start counts from Monday. */
export function addBusinessDays(start: Date, days: number): Date {
  const d = new Date(start.getTime());
  let left = days;
  while (left > 0) {
    d.setTime(d.getTime() + DAY_MS);
    if (!isWeekend(d)) left -= 1;
  }
  return d;
}

export function addDays(start: Date, days: number): Date {
  return new Date(start.getTime() + days * DAY_MS);
}
