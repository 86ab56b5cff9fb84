// Business calendars: which days are working days, per legal entity. A default calendar
// (Monday–Friday, common holidays) plus holidays of each legal entity. Configuration, not
// data: changing it re-evaluates every business-time figure at the next query.

export interface BusinessCalendar {
  id: string;
  name: string;
  /** Legal entities this calendar applies to ('*' = the default for every other entity). */
  legal_entities: string[];
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). Always Mon–Fri here. */
  working_days: number[];
  holidays: { date: string; name: string }[];
}

/** Holidays every entity observes (merged into each entity's own list). */
export const DEFAULT_HOLIDAYS: { date: string; name: string }[] = [
  { date: '2025-12-25', name: 'Christmas Day' },
  { date: '2026-01-01', name: "New Year's Day" },
  { date: '2026-04-03', name: 'Good Friday' },
  { date: '2026-04-06', name: 'Easter Monday' },
  { date: '2026-12-25', name: 'Christmas Day' },
  { date: '2027-01-01', name: "New Year's Day" },
];

export const CALENDARS: BusinessCalendar[] = [
  { id: 'default', name: 'Default (Mon–Fri)', legal_entities: ['*'], working_days: [1, 2, 3, 4, 5], holidays: DEFAULT_HOLIDAYS },
  {
    id: 'de',
    name: 'Germany',
    legal_entities: ['DE01', 'Cashtrace GmbH', 'Cashtrace Beratung GmbH'],
    working_days: [1, 2, 3, 4, 5],
    holidays: [
      ...DEFAULT_HOLIDAYS,
      { date: '2026-05-01', name: 'Labour Day' },
      { date: '2026-05-14', name: 'Ascension Day' },
      { date: '2026-05-25', name: 'Whit Monday' },
      { date: '2026-10-03', name: 'German Unity Day' },
      { date: '2026-12-26', name: "St Stephen's Day" },
    ],
  },
  {
    id: 'uk',
    name: 'United Kingdom',
    legal_entities: ['UK01', 'Cashtrace Ltd', 'Cashtrace Consulting UK Ltd.'],
    working_days: [1, 2, 3, 4, 5],
    holidays: [
      ...DEFAULT_HOLIDAYS,
      { date: '2026-05-04', name: 'Early May bank holiday' },
      { date: '2026-05-25', name: 'Spring bank holiday' },
      { date: '2026-08-31', name: 'Summer bank holiday' },
      { date: '2026-12-28', name: 'Boxing Day (substitute)' },
    ],
  },
  {
    id: 'us',
    name: 'United States',
    legal_entities: ['US01', 'Cashtrace Inc', 'Cashtrace Consulting Inc.'],
    working_days: [1, 2, 3, 4, 5],
    holidays: [
      { date: '2025-12-25', name: 'Christmas Day' },
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-01-19', name: 'Martin Luther King Jr. Day' },
      { date: '2026-05-25', name: 'Memorial Day' },
      { date: '2026-07-03', name: 'Independence Day (observed)' },
      { date: '2026-09-07', name: 'Labor Day' },
      { date: '2026-11-26', name: 'Thanksgiving' },
      { date: '2026-12-25', name: 'Christmas Day' },
    ],
  },
  {
    id: 'ca',
    name: 'Canada',
    legal_entities: ['CA01', 'Cashtrace Consulting Canada Ltd.'],
    working_days: [1, 2, 3, 4, 5],
    holidays: [
      ...DEFAULT_HOLIDAYS.filter((h) => h.name !== 'Easter Monday'),
      { date: '2026-02-16', name: 'Family Day' },
      { date: '2026-05-18', name: 'Victoria Day' },
      { date: '2026-07-01', name: 'Canada Day' },
      { date: '2026-09-07', name: 'Labour Day' },
      { date: '2026-10-12', name: 'Thanksgiving' },
    ],
  },
  {
    id: 'sg',
    name: 'Singapore',
    legal_entities: ['SG01', 'Cashtrace Consulting Pte. Ltd.'],
    working_days: [1, 2, 3, 4, 5],
    holidays: [
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-02-17', name: 'Chinese New Year' },
      { date: '2026-02-18', name: 'Chinese New Year (day 2)' },
      { date: '2026-04-03', name: 'Good Friday' },
      { date: '2026-05-01', name: 'Labour Day' },
      { date: '2026-08-10', name: 'National Day (observed)' },
      { date: '2026-12-25', name: 'Christmas Day' },
    ],
  },
];

export function calendarFor(legalEntity: string, calendars: BusinessCalendar[] = CALENDARS): BusinessCalendar {
  return calendars.find((c) => c.legal_entities.includes(legalEntity)) ?? calendars.find((c) => c.legal_entities.includes('*'))!;
}

/** Days since 1970-01-01 (UTC) of an ISO date. */
export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / 86_400_000);
}

/** Holidays that fall on a working weekday, as sorted day numbers (weekend holidays change nothing). */
export function weekdayHolidayNumbers(c: BusinessCalendar): number[] {
  return [...new Set(c.holidays.map((h) => dayNumber(h.date)))]
    .filter((n) => {
      const iso = ((n + 3) % 7) + 1; // 1970-01-01 was a Thursday (ISO 4)
      return c.working_days.includes(iso);
    })
    .sort((a, b) => a - b);
}
