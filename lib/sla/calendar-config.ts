// A firm's own business calendars (CASHTRACE_CALENDARS names a JSON file): holidays the
// built-in calendars lack (Juneteenth, Vesak Day, a Christmas closure), calendars for legal
// entities of other countries, other working weeks (Sunday–Thursday), and which legal entity
// follows which calendar. Read and checked at start: a mistake stops start-up naming the
// entry and the field, never a calendar silently half-applied.

import { z } from 'zod';
import { FIRST_YEAR, LAST_YEAR, type HolidayRule } from './holidays';
import { canonicalTimeZone, isTimeZone } from './time-zone';

/** A calendar as rules (lib/sla/calendars.ts expands them into dates). */
export interface CalendarDef {
  id: string;
  name: string;
  /** Legal entities this calendar applies to ('*' = the default for every other entity). */
  legal_entities: string[];
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  working_days: number[];
  /** The IANA time zone whose days these are (UTC when absent). */
  timezone?: string;
  rules: HolidayRule[];
}

const validDate = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};
const month = z.number().int().min(1).max(12);
const weekday = z.number().int().min(1, 'an ISO weekday: 1 = Monday … 7 = Sunday').max(7, 'an ISO weekday: 1 = Monday … 7 = Sunday');
const yearOf = (ctx: z.RefinementCtx, y: number, path: (string | number)[]) => {
  if (!Number.isInteger(y) || y < FIRST_YEAR || y > LAST_YEAR) ctx.addIssue({ code: 'custom', path, message: `a year from ${FIRST_YEAR} to ${LAST_YEAR}` });
};

const ruleSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    observe: z.enum(['us', 'uk', 'sunday-to-monday']).optional(),
    fixed: z.tuple([month, z.number().int().min(1).max(31)]).optional(),
    easter: z.number().int().min(-60).max(60).optional(),
    nth: z.tuple([month, weekday, z.number().int().refine((n) => n === -1 || (n >= 1 && n <= 5), 'n: 1 to 5, or -1 for the last')]).optional(),
    before: z.tuple([month, z.number().int().min(1).max(31), weekday]).optional(),
    dates: z.record(z.string().regex(/^\d{4}$/, 'a year (YYYY)'), z.string().regex(/^\d{2}-\d{2}$/, "'MM-DD'")).optional(),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "'YYYY-MM-DD'").optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const kinds = (['fixed', 'easter', 'nth', 'before', 'dates', 'date'] as const).filter((k) => r[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a holiday is exactly one of fixed [month, day], easter (days from Easter Sunday), nth [month, weekday, n], before [month, day, weekday], dates {"YYYY": "MM-DD"} or date "YYYY-MM-DD"${kinds.length ? ` (got ${kinds.join(' and ')})` : ''}` });
      return;
    }
    const checkDay = (y: number, m: number, d: number, path: (string | number)[]) => {
      if (!validDate(y, m, d)) ctx.addIssue({ code: 'custom', path, message: `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')} is no date${y === 2000 ? '' : ` in ${y}`}` });
    };
    // 2000 is a leap year: 29 February is a fixed date some years have
    if (r.fixed) checkDay(2000, r.fixed[0], r.fixed[1], ['fixed']);
    if (r.before) checkDay(2000, r.before[0], r.before[1], ['before']);
    for (const [y, md] of Object.entries(r.dates ?? {})) {
      yearOf(ctx, Number(y), ['dates', y]);
      if (/^\d{2}-\d{2}$/.test(md)) checkDay(Number(y), Number(md.slice(0, 2)), Number(md.slice(3)), ['dates', y]);
    }
    if (r.date && /^\d{4}-\d{2}-\d{2}$/.test(r.date)) {
      const [y, m, d] = r.date.split('-').map(Number);
      yearOf(ctx, y, ['date']);
      checkDay(y, m, d, ['date']);
    }
  });

const calendarSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, - and _ (up to 32)'),
    name: z.string().trim().min(1).max(80).optional(),
    /** Replaces the calendar's legal entities; each one named here leaves any other calendar. */
    legal_entities: z.array(z.string().trim().min(1).max(120)).min(1).optional(),
    working_days: z
      .array(weekday)
      .min(1)
      .refine((d) => new Set(d).size === d.length, 'each weekday once')
      .optional(),
    /** The IANA time zone of the calendar's days (America/New_York); UTC unless set. */
    timezone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone, e.g. America/New_York or Asia/Singapore')
      .transform(canonicalTimeZone)
      .optional(),
    /** Replaces a built-in calendar's holidays. */
    holidays: z.array(ruleSchema).optional(),
    /** Added to the calendar's holidays (a built-in's, or those of `holidays`). */
    add_holidays: z.array(ruleSchema).optional(),
  })
  .strict();

export const calendarConfigSchema = z.object({ calendars: z.array(calendarSchema).min(1) }).strict();
export type CalendarConfig = z.infer<typeof calendarConfigSchema>;

/** The message of an invalid configuration: each problem with the entry (by id) and field it is in. */
function describe(config: unknown, issues: z.core.$ZodIssue[]): string {
  const entries = (config as { calendars?: { id?: unknown }[] })?.calendars;
  return issues
    .map((i) => {
      const [top, index, ...rest] = i.path;
      const id = top === 'calendars' && typeof index === 'number' && Array.isArray(entries) ? entries[index]?.id : undefined;
      const where = top === 'calendars' && typeof index === 'number' ? `calendars[${index}]${typeof id === 'string' ? ` (${id})` : ''}${rest.length ? `.${rest.join('.')}` : ''}` : i.path.join('.') || '(top level)';
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

/**
 * The calendars a configuration makes of the built-in ones: an entry whose id is built in
 * changes that calendar (name, legal entities, working days, holidays replaced or added to);
 * another id adds a calendar (name and legal entities required). A legal entity named by an
 * entry leaves every other calendar, and exactly one calendar must remain the default ('*').
 * Throws one error listing every problem.
 */
export function configureCalendars(builtIn: readonly CalendarDef[], input: unknown): CalendarDef[] {
  const parsed = calendarConfigSchema.safeParse(input);
  if (!parsed.success) throw new Error(describe(input, parsed.error.issues));
  const problems: string[] = [];
  const out = builtIn.map((c) => ({ ...c, legal_entities: [...c.legal_entities], rules: [...c.rules] }));
  const seen = new Set<string>();
  parsed.data.calendars.forEach((e, i) => {
    const where = `calendars[${i}] (${e.id})`;
    if (seen.has(e.id)) problems.push(`${where}: id ${e.id} is configured twice`);
    seen.add(e.id);
    let c = out.find((x) => x.id === e.id);
    if (!c) {
      if (!e.name || !e.legal_entities) {
        problems.push(`${where}: a new calendar needs a name and legal_entities (built-in ids: ${builtIn.map((b) => b.id).join(', ')})`);
        return;
      }
      c = { id: e.id, name: e.name, legal_entities: [], working_days: [1, 2, 3, 4, 5], rules: [] };
      out.push(c);
    }
    if (e.name) c.name = e.name;
    if (e.working_days) c.working_days = [...e.working_days].sort((a, b) => a - b);
    if (e.timezone) c.timezone = e.timezone;
    if (e.holidays) c.rules = e.holidays as HolidayRule[];
    if (e.add_holidays) c.rules = [...c.rules, ...(e.add_holidays as HolidayRule[])];
    if (e.legal_entities) {
      const mine = [...new Set(e.legal_entities)];
      for (const other of out) if (other !== c) other.legal_entities = other.legal_entities.filter((x) => !mine.includes(x));
      c.legal_entities = mine;
    }
  });
  const defaults = out.filter((c) => c.legal_entities.includes('*')).map((c) => c.id);
  if (defaults.length !== 1) problems.push(defaults.length ? `only one calendar can be the default ('*'): ${defaults.join(', ')}` : "no calendar is the default ('*') for the legal entities no calendar names");
  if (problems.length) throw new Error(problems.join('; '));
  return out;
}
