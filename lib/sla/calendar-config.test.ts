import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resetEnvForTests } from '../env';
import { removeTempDir, tempDir } from '../testing/temp-dir';
import { configureCalendars, type CalendarDef } from './calendar-config';
import { BUILT_IN_CALENDAR_DEFS, CALENDARS, calendarFor, calendars, dayNumber, weekdayHolidayNumbers } from './calendars';
import { expandHolidays } from './holidays';
import { addBusinessSeconds, businessSecondsAt } from './business-time';

// the built-in calendars as rules: what configureCalendars starts from (their expansion is CALENDARS)
const builtIn = (): CalendarDef[] => [
  { id: 'default', name: 'Default', legal_entities: ['*'], working_days: [1, 2, 3, 4, 5], rules: [{ name: "New Year's Day", fixed: [1, 1] }] },
  { id: 'us', name: 'United States', legal_entities: ['US01'], working_days: [1, 2, 3, 4, 5], rules: [{ name: 'Independence Day', fixed: [7, 4], observe: 'us' }] },
  { id: 'de', name: 'Germany', legal_entities: ['DE01', 'Cashtrace GmbH'], working_days: [1, 2, 3, 4, 5], rules: [{ name: 'German Unity Day', fixed: [10, 3] }] },
];
const error = (config: unknown) => {
  try {
    configureCalendars(builtIn(), config);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};
const dates = (c: CalendarDef, year: number) => expandHolidays(c.rules, year, year).map((h) => `${h.date} ${h.name}`);

describe('configured business calendars', () => {
  it('adds holidays to a built-in calendar, adds calendars with their own week, and moves legal entities', () => {
    const out = configureCalendars(builtIn(), {
      calendars: [
        { id: 'us', add_holidays: [{ name: 'Juneteenth', fixed: [6, 19], observe: 'us' }] },
        { id: 'default', add_holidays: [{ name: 'Year-end closure', date: '2026-12-31' }] },
        { id: 'de-by', name: 'Bavaria', legal_entities: ['DE01'], holidays: [{ name: 'Epiphany', fixed: [1, 6] }, { name: 'Ascension Day', easter: 39 }] },
        { id: 'il', name: 'Israel', legal_entities: ['IL01'], working_days: [7, 1, 2, 3, 4], timezone: 'Asia/Jerusalem', holidays: [{ name: 'Rosh Hashanah', dates: { '2027': '10-02' } }] },
      ],
    });
    const by = (id: string) => out.find((c) => c.id === id)!;
    // 2027-06-19 is a Saturday: observed on the Friday, as US federal holidays are
    expect(dates(by('us'), 2027)).toEqual(['2027-06-18 Juneteenth (observed)', '2027-06-19 Juneteenth', '2027-07-04 Independence Day', '2027-07-05 Independence Day (observed)']);
    expect(dates(by('default'), 2026)).toEqual(["2026-01-01 New Year's Day", '2026-12-31 Year-end closure']);
    expect(dates(by('default'), 2027)).toEqual(["2027-01-01 New Year's Day"]);
    // 29 February is a fixed date of leap years only
    const leap = configureCalendars(builtIn(), { calendars: [{ id: 'us', holidays: [{ name: 'Leap day', fixed: [2, 29] }] }] }).find((c) => c.id === 'us')!;
    expect([2027, 2028].map((y) => dates(leap, y))).toEqual([[], ['2028-02-29 Leap day']]);
    // DE01 left the German calendar for Bavaria's; the GmbH stayed
    expect(by('de').legal_entities).toEqual(['Cashtrace GmbH']);
    expect(by('de-by')).toMatchObject({ legal_entities: ['DE01'], working_days: [1, 2, 3, 4, 5] });
    expect(dates(by('de-by'), 2026)).toEqual(['2026-01-06 Epiphany', '2026-05-14 Ascension Day']);
    expect(by('il').working_days).toEqual([1, 2, 3, 4, 7]);
    expect(by('il').timezone).toBe('Asia/Jerusalem');
    expect(by('us').timezone).toBeUndefined();
    expect(out.map((c) => c.id)).toEqual(['default', 'us', 'de', 'de-by', 'il']);
  });

  it("accepts the README's example as it is written", () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const block = /### Business calendars \(`CASHTRACE_CALENDARS`\)[\s\S]*?```json\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const out = configureCalendars(BUILT_IN_CALENDAR_DEFS, JSON.parse(block![1]));
    expect(out.map((c) => c.id)).toEqual([...BUILT_IN_CALENDAR_DEFS.map((c) => c.id), 'de-by', 'il']);
    expect(out.find((c) => c.id === 'sg')!.rules.map((r) => r.name)).toContain('Vesak Day');
  });

  it('refuses a configuration with every problem named by entry and field, and changes nothing', () => {
    const before = JSON.stringify(builtIn());
    expect(error({ calendars: [{ id: 'us', add_holidays: [{ name: 'Juneteenth', fixed: [6, 31] }] }] })).toBe('calendars[0] (us).add_holidays.0.fixed: 06-31 is no date');
    expect(error({ calendars: [{ id: 'us', add_holidays: [{ name: 'x', fixed: [2, 30] }] }] })).toBe('calendars[0] (us).add_holidays.0.fixed: 02-30 is no date');
    expect(error({ calendars: [{ id: 'us', add_holidays: [{ name: 'Both', fixed: [6, 19], easter: 1 }] }] })).toMatch(/^calendars\[0\] \(us\)\.add_holidays\.0: a holiday is exactly one of .* \(got fixed and easter\)$/);
    expect(error({ calendars: [{ id: 'us', add_holidays: [{ name: 'Nothing' }] }] })).toMatch(/a holiday is exactly one of fixed/);
    expect(error({ calendars: [{ id: 'sg', add_holidays: [{ name: 'Vesak Day', dates: { '2131': '05-20', '2027': '02-29' } }] }] })).toBe(
      'calendars[0] (sg).add_holidays.0.dates.2027: 02-29 is no date in 2027; calendars[0] (sg).add_holidays.0.dates.2131: a year from 2000 to 2100',
    );
    expect(error({ calendars: [{ id: 'il', working_days: [7, 1, 1, 8] }] })).toMatch(/calendars\[0\] \(il\)\.working_days\.3: an ISO weekday: 1 = Monday … 7 = Sunday; calendars\[0\] \(il\)\.working_days: each weekday once/);
    expect(error({ calendars: [{ id: 'fr', working_days: [1, 2, 3, 4, 5] }] })).toBe('calendars[0] (fr): a new calendar needs a name and legal_entities (built-in ids: default, us, de)');
    expect(error({ calendars: [{ id: 'us', legal_entities: ['US01'] }, { id: 'us', name: 'USA' }] })).toBe('calendars[1] (us): id us is configured twice');
    expect(error({ calendars: [{ id: 'de', legal_entities: ['DE01', '*'] }, { id: 'de', name: 'x' }] })).toMatch(/configured twice/);
    expect(error({ calendars: [{ id: 'default', legal_entities: ['XX01'] }] })).toBe("no calendar is the default ('*') for the legal entities no calendar names");
    expect(error({ calendars: [{ id: 'us', colour: 'red' }] })).toMatch(/^calendars\[0\] \(us\): Unrecognized key: "colour"$/);
    expect(error({ calendars: [{ id: 'us', timezone: 'America/Springfield' }] })).toBe('calendars[0] (us).timezone: an IANA time zone, e.g. America/New_York or Asia/Singapore');
    expect(error({ calendars: [{ id: 'US', name: 'x' }] })).toBe('calendars[0] (US).id: lower-case letters, digits, - and _ (up to 32)');
    expect(error([])).toMatch(/^\(top level\): /);
    expect(error({ calendars: [] })).toMatch(/^calendars: /);
    expect(JSON.stringify(builtIn())).toBe(before);
  });

  it('counts business time on a working week of its own (Sunday to Thursday)', () => {
    const [il] = configureCalendars(builtIn(), { calendars: [{ id: 'il', name: 'Israel', legal_entities: ['IL01'], working_days: [7, 1, 2, 3, 4] }] }).slice(-1).map((c) => ({ ...c, holidays: [] }));
    const B = (iso: string) => businessSecondsAt(new Date(iso), il) / 3600;
    // 2026-12-03 is a Thursday: Thursday noon to Sunday noon is 24 working hours (Friday and Saturday off)
    expect(B('2026-12-06T12:00:00Z') - B('2026-12-03T12:00:00Z')).toBe(24);
    expect(B('2026-12-06T00:00:00Z') - B('2026-12-04T00:00:00Z')).toBe(0);
    // a week is five working days
    expect(B('2026-12-10T12:00:00Z') - B('2026-12-03T12:00:00Z')).toBe(120);
    // 1 business day after Thursday 18:00 is Sunday 18:00
    expect(addBusinessSeconds(new Date('2026-12-03T18:00:00Z'), 86_400, il).toISOString()).toBe('2026-12-06T18:00:00.000Z');
    expect(weekdayHolidayNumbers({ ...il, holidays: [{ date: '2026-12-04', name: 'a Friday' }, { date: '2026-12-06', name: 'a Sunday' }] })).toEqual([dayNumber('2026-12-06')]);
  });
});

describe('CASHTRACE_CALENDARS', () => {
  const dir = tempDir('cashtrace-calendars-');
  afterEach(() => {
    delete process.env.CASHTRACE_CALENDARS;
    resetEnvForTests();
  });
  afterAll(() => removeTempDir(dir));
  const use = (name: string, text: string | null) => {
    const file = path.join(dir, name);
    if (text !== null) fs.writeFileSync(file, text);
    process.env.CASHTRACE_CALENDARS = file;
    resetEnvForTests();
    return file;
  };

  it('is read once into the calendars in force, over the built-in ones', () => {
    expect(calendars()).toBe(CALENDARS);
    use('ok.json', JSON.stringify({ calendars: [{ id: 'us', add_holidays: [{ name: 'Juneteenth', fixed: [6, 19], observe: 'us' }] }, { id: 'il', name: 'Israel', legal_entities: ['IL01'], working_days: [7, 1, 2, 3, 4] }] }));
    const list = calendars();
    expect(list).not.toBe(CALENDARS);
    expect(calendars()).toBe(list);
    expect(calendarFor('US01').holidays.filter((h) => h.date.startsWith('2027-06'))).toEqual([{ date: '2027-06-18', name: 'Juneteenth (observed)' }, { date: '2027-06-19', name: 'Juneteenth' }]);
    expect(calendarFor('IL01')).toMatchObject({ id: 'il', working_days: [1, 2, 3, 4, 7], holidays: [] });
    expect(calendarFor('UK01').id).toBe('uk');
    expect(CALENDARS.find((c) => c.id === 'us')!.holidays.some((h) => h.name === 'Juneteenth')).toBe(false);
  });

  it('stops with the file and the problem when it is missing, not JSON or invalid', () => {
    const missing = use('missing.json', null);
    expect(() => calendars()).toThrow(`CASHTRACE_CALENDARS: cannot read ${missing}`);
    const broken = use('broken.json', '{"calendars": [');
    expect(() => calendars()).toThrow(new RegExp(`^CASHTRACE_CALENDARS: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not JSON \\(`));
    const bad = use('bad.json', JSON.stringify({ calendars: [{ id: 'sg', add_holidays: [{ name: 'Vesak Day', date: '2027-02-30' }] }] }));
    expect(() => calendars()).toThrow(`CASHTRACE_CALENDARS: ${bad}: calendars[0] (sg).add_holidays.0.date: 02-30 is no date in 2027`);
  });

  it('stops start-up before the runtime opens anything', async () => {
    const bad = use('bad-start.json', JSON.stringify({ calendars: [{ id: 'default', legal_entities: ['XX01'] }] }));
    const { createRuntime } = await import('../runtime');
    // the store is not touched: the calendars are read first
    await expect(createRuntime({ store: {} as never, natsUrl: null })).rejects.toThrow(`CASHTRACE_CALENDARS: ${bad}: no calendar is the default ('*')`);
  });

});
