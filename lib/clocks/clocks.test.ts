// The clocks' snapshot against its definition: after the hand-built book is ingested through
// the writer, and after merges and splits move events between deals, every clock read from
// the snapshot equals the same clock computed from the events (intervalsSql), at the fixture's
// `now`, a month later (open intervals age, ends after `now` count as open), with filters,
// and for the stuck queues' open-only reading. A saved SLA policy is built on its own.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { sql, type Sql } from '../clickhouse/sql';
import { openTempStore } from '../testing/temp-store';
import { loadFixture } from '../testing/load-fixture';
import { FIXTURE_NOW } from '../testing/q2c-fixture';
import { ev } from '../testing/events';
import { IngestWriter } from '../ingest/writer';
import { intervalsSql, type IntervalOptions } from '../sla/intervals-sql';
import type { IntervalSpec } from '../sla/interval-spec';
import { saveSlaPolicy } from '../queries/save-sla-policy';
import { getSlaPolicies } from '../queries/get-sla-policies';
import { allClocks, clockId, tallyOf } from './registry';
import { tallyBuildId } from './tallies';
import { builtClocks, buildMissing } from './build';
import { getKpis } from '../queries/get-kpis';
import { clockReader, snapshotIntervalsSql } from './read';
import { getStuckItems } from '../queries/get-stuck-items';
import { getLeakage } from '../queries/get-leakage';
import { getSlaBreaches } from '../queries/get-sla-breaches';
import { getUnstaffedProjects } from '../queries/get-unstaffed-projects';
import { BUILT_IN_CALENDAR_DEFS, CALENDARS, expandCalendars } from '../sla/calendars';
import { configureCalendars } from '../sla/calendar-config';
import { addBusinessSeconds, businessSeconds, businessSecondsAt, holidaysFor } from '../sla/business-time';

let store: Store;
let writer: IngestWriter;
beforeAll(async () => {
  ({ store } = await openTempStore());
  await loadFixture(store);
  writer = await IngestWriter.open(store);
  await writer.settled();
});
afterAll(async () => {
  writer?.clocks.close();
  await store?.close();
});

async function rows(iv: Sql, where: Sql, clock: Sql = sql`''`): Promise<string[]> {
  const r = await store.query<{ row: string }>(
    sql`SELECT concat_ws('|', ${clock}, correlation_id, entity_key, toString(anchor_at), ifNull(toString(ended_at), 'open'), toString(is_open),
        toString(round(amount, 2)), currency, toString(round(value, 2)), customer, region, legal_entity,
        toString(round(elapsed_hours, 4)), toString(round(late_hours, 4))) AS row
      FROM ${iv} WHERE ${where} ORDER BY row SETTINGS enable_materialized_cte = 1`,
  );
  return r.map((x) => x.row);
}

async function expectSnapshotMatches(now: Date, extra: Partial<IntervalOptions> = {}): Promise<number> {
  const { clocks } = await allClocks(store);
  const snapshot = await clockReader(store);
  const read = await clockReader(store, { live: true });
  const built = await builtClocks(store);
  let compared = 0;
  for (const [id, def] of clocks) {
    expect(built.has(id), `clock ${id} built`).toBe(true);
    if ('finding' in def) {
      if (extra.openOnly || extra.lateOnly) continue;
      const o = { filters: extra.filters ?? {}, now };
      const f = (iv: Sql) => store.query<{ row: string }>(
        sql`SELECT concat_ws('|', correlation_id, entity_key, toString(at), toString(anchor), toString(round(amount, 2)), currency, detail,
            toString(round(value, 2)), customer, region, practice, legal_entity, billing_model) AS row
          FROM ${iv} ORDER BY row`,
      );
      const live = await f(read.findings(def.finding, o));
      expect(await f(snapshot.findings(def.finding, o)), def.finding).toEqual(live);
      compared += live.length;
      continue;
    }
    const spec: IntervalSpec = { ...def.spec, threshold_hours: 24 };
    const o: IntervalOptions = { filters: {}, now, scope: def.scope, ...extra };
    // open-only (the stuck queues) may leave out intervals that cannot be stuck: compare the stuck ones
    const where = o.openOnly ? sql`is_open = 1 AND late_hours > 0` : o.lateOnly ? sql`late_hours > 0` : sql`1`;
    const live = await rows(intervalsSql(spec, o), where);
    expect(await rows(snapshotIntervalsSql(spec, o), where), JSON.stringify(def.spec)).toEqual(live);
    compared += live.length;
  }
  // all of them in one read (one pass over the snapshot per set of distinct clocks), plus one
  // clock again with another threshold (a second pass): the same rows, each with its index
  const list = [...clocks.values()].flatMap((d) => ('finding' in d ? [] : [{ spec: { ...d.spec, threshold_hours: 24 }, scope: d.scope }]));
  list.push({ ...list[0], spec: { ...list[0].spec, threshold_hours: 100 } });
  const o = { filters: {}, now, ...extra };
  const where = o.openOnly ? sql`is_open = 1 AND late_hours > 0` : o.lateOnly ? sql`late_hours > 0` : sql`1`;
  const live = await rows(read.clocks(list, o), where, sql`toString(k)`);
  expect(await rows(snapshot.clocks(list, o), where, sql`toString(k)`)).toEqual(live);
  expect(new Set(live.map((r) => r.split('|')[0])).size).toBeGreaterThan(10);
  return compared;
}

const MONTH_LATER = new Date(FIXTURE_NOW.getTime() + 30 * 86_400_000);

interface Readings {
  nows: Date[];
  filters: { region?: string; from?: string; to?: string; customer?: string }[];
}
/** Every reading the views are compared in: three `now`s × four filters. */
const ALL_READINGS: Readings = { nows: [new Date('2026-03-20T00:00:00Z'), FIXTURE_NOW, MONTH_LATER], filters: [{}, { region: 'EMEA' }, { from: '2026-03-01', to: '2026-03-31' }, { customer: 'Acme' }] };
/**
 * The two readings that use the counts (after the data's last end, no customer filter): where
 * counts changed by a merge, a split or a repair show in the views. The tallies themselves are
 * compared in full every time.
 */
const COUNTED_READINGS: Readings = { nows: [FIXTURE_NOW, MONTH_LATER], filters: [{}] };

/**
 * The tallies (clock_days) against a count of clock_intervals done here, and the views that
 * read them against the same views reading every closed interval: equal, at several `now`s
 * (before the last end counted, the counts must not be used) and with filters. Returns how
 * many readings used the counts.
 */
async function expectTalliesMatch(readings: Readings = ALL_READINGS): Promise<number> {
  const { tallies } = await allClocks(store);
  const list = [...tallies.values()];
  expect(list.length).toBeGreaterThan(5);
  const key = sql`tally, toString(anchor_day), toString(start_day), region, practice, legal_entity, billing_model`;
  const counted = await store.query<{ row: string }>(
    sql`SELECT concat_ws('|', ${key}, toString(sum(n)), toString(sum(n_late))) AS row FROM clock_days
      WHERE tally IN ${list.map((t) => t.id)} GROUP BY ${key} HAVING sum(n) != 0 OR sum(n_late) != 0 ORDER BY row`,
  );
  const recount: string[] = [];
  for (const t of list) {
    const r = await store.query<{ row: string }>(
      sql`SELECT concat_ws('|', ${t.id}, toString(toDate(anchor_at)), toString(toDate(started_at)), region, practice, legal_entity, billing_model,
          toString(count()), toString(countIf(closed_hours > ${t.threshold}))) AS row
        FROM clock_intervals WHERE clock = ${t.clock} AND end_at < toDateTime64('2200-01-01', 3, 'UTC')
        GROUP BY toDate(anchor_at), toDate(started_at), region, practice, legal_entity, billing_model`,
    );
    recount.push(...r.map((x) => x.row));
  }
  expect(counted.map((r) => r.row)).toEqual(recount.sort());
  expect(recount.length).toBeGreaterThan(10);

  const reader = await clockReader(store, { tallies: true });
  const policies = await getSlaPolicies(store, { enabledOnly: true });
  let used = 0;
  for (const now of readings.nows) {
    for (const filters of readings.filters) {
      if (reader.closedCounts(policies.map((p) => ({ spec: p, scope: p.scope })), { filters, now })) used++;
      for (const by of ['region', 'practice'] as const) {
        const params = { ...filters, now: now.toISOString(), by, limit: 500 };
        expect(await getSlaBreaches(store, params), JSON.stringify(params)).toEqual(await getSlaBreaches(store, { ...params, tallies: false }));
      }
      const params = { ...filters, now: now.toISOString() };
      expect(await getKpis(store, params), JSON.stringify(params)).toEqual(await getKpis(store, { ...params, tallies: false }));
      // a policy listed twice (the same tally under two indexes)
      const twice = { ...params, policies: [...policies, { ...policies[0], id: 'copy' }] };
      expect(await getSlaBreaches(store, twice)).toEqual(await getSlaBreaches(store, { ...twice, tallies: false }));
    }
  }
  return used;
}

describe('clock snapshot', () => {
  it('equals every clock computed from the events, at the fixture now and a month later', async () => {
    expect(await expectSnapshotMatches(FIXTURE_NOW)).toBeGreaterThan(40);
    expect(await expectSnapshotMatches(MONTH_LATER)).toBeGreaterThan(40);
  });

  it('equals them with filters and in the stuck queues\' open-only and the breach lists\' late-only readings', async () => {
    expect(await expectSnapshotMatches(FIXTURE_NOW, { filters: { region: 'EMEA' } })).toBeGreaterThan(5);
    expect(await expectSnapshotMatches(FIXTURE_NOW, { filters: { customer: 'Globex', from: '2026-03-01', to: '2026-03-31' } })).toBeGreaterThan(3);
    expect(await expectSnapshotMatches(MONTH_LATER, { openOnly: true })).toBeGreaterThan(3);
    expect(await expectSnapshotMatches(FIXTURE_NOW, { lateOnly: true })).toBeGreaterThan(3);
  });

  it('ages open intervals with B(now) computed in JS exactly as the SQL computes it', async () => {
    // every hour over Easter weeks and Christmases of several years (substitute days, the first
    // and last holidays of the calendars' span, a block boundary of their SQL arrays: day
    // 20,480 = 2026-01-27), plus odd seconds and milliseconds, in each calendar
    const times: Date[] = [];
    for (const start of ['2026-03-28T00:00:00Z', '2026-12-20T00:00:00Z', '2027-03-22T00:00:00Z', '2027-12-20T00:00:00Z', '2026-01-22T00:00:00Z', '1999-12-27T00:00:00Z', '2100-12-20T00:00:00Z', '2003-04-14T00:00:00Z']) {
      for (let h = 0; h < 24 * 16; h++) times.push(new Date(Date.parse(start) + h * 3_600_000 + (h % 7) * 61_001));
    }
    for (const c of CALENDARS) {
      const entity = c.legal_entities[0] === '*' ? 'no such entity' : c.legal_entities[0];
      const r = await store.query<{ b: string }>(
        sql`SELECT toString(${businessSeconds(sql`t`, sql`h`)}) AS b
          FROM (SELECT arrayJoin(${times.map((t) => t.toISOString().replace('T', ' ').replace('Z', ''))}) AS s,
            toDateTime64(s, 3, 'UTC') AS t, ${holidaysFor(sql`${entity}`)} AS h)`,
      );
      expect(r.map((x) => Number(x.b)), c.id).toEqual(times.map((t) => businessSecondsAt(t, c)));
    }
  });

  it('counts business time in SQL as in JS on configured calendars with working weeks of their own', async () => {
    const configured = expandCalendars(
      configureCalendars(BUILT_IN_CALENDAR_DEFS, {
        calendars: [
          { id: 'il', name: 'Israel', legal_entities: ['IL01'], working_days: [7, 1, 2, 3, 4], holidays: [{ name: 'Rosh Hashanah', dates: { '2026': '09-13', '2027': '10-03' } }] },
          { id: 'six', name: 'Six-day week', legal_entities: ['SIX'], working_days: [1, 2, 3, 4, 5, 6], add_holidays: [{ name: 'Closure', date: '2026-12-26' }] },
          { id: 'uk', add_holidays: [{ name: 'Closure', date: '2026-12-29' }], timezone: 'Europe/London' },
          { id: 'sg', timezone: 'asia/singapore' },
          { id: 'us-east', name: 'US East', legal_entities: ['NY01'], timezone: 'America/New_York', holidays: [{ name: 'Thanksgiving', nth: [11, 4, 4] }] },
        ],
      }),
    );
    expect(configured.find((c) => c.id === 'sg')!.timezone).toBe('Asia/Singapore');
    const times: Date[] = [];
    // also over the changes to and from summer time (US 8 March and 1 November, EU 29 March and 25 October 2026)
    for (const start of ['2026-09-06T00:00:00Z', '2026-12-20T00:00:00Z', '2027-09-26T00:00:00Z', '2003-04-14T00:00:00Z', '2026-03-05T00:00:00Z', '2026-03-24T00:00:00Z', '2026-10-20T00:00:00Z']) {
      for (let h = 0; h < 24 * 16; h++) times.push(new Date(Date.parse(start) + h * 3_600_000 + (h % 7) * 61_001));
    }
    const B = (c: string, iso: string) => businessSecondsAt(new Date(iso), configured.find((x) => x.id === c)!) / 3600;
    // Rosh Hashanah 2026 is a Sunday, a working day there: Thursday noon to Monday noon is 24 h (Sunday off, Friday and Saturday weekend)
    expect(B('il', '2026-09-14T12:00:00Z') - B('il', '2026-09-10T12:00:00Z')).toBe(24);
    expect(B('six', '2026-12-28T00:00:00Z') - B('six', '2026-12-21T00:00:00Z')).toBe(5 * 24); // Monday to Saturday, less the closure on Saturday 26th (no Christmas in this calendar)
    // New York's days: Friday 07:00 to 20:00 EST (12:00Z to 01:00Z Saturday) is 13 working hours, in UTC days 12
    expect(B('us-east', '2026-12-05T01:00:00Z') - B('us-east', '2026-12-04T12:00:00Z')).toBe(13);
    expect(B('default', '2026-12-05T01:00:00Z') - B('default', '2026-12-04T12:00:00Z')).toBe(12);
    // Friday 6 March 00:00 EST to Monday 9 March 00:00 EDT (summer time since Sunday): one working day
    expect(B('us-east', '2026-03-09T04:00:00Z') - B('us-east', '2026-03-06T05:00:00Z')).toBe(24);
    // Thanksgiving is New York's 26 November: Wednesday 23:00 EST (04:00Z Thursday) to Friday 01:00 EST is 2 hours
    expect(B('us-east', '2026-11-27T06:00:00Z') - B('us-east', '2026-11-26T04:00:00Z')).toBe(2);
    // one business day after Friday 17:00 EST is Monday 17:00 EST; after Singapore's Friday 17:00 (09:00Z), Monday 09:00Z
    const ny = configured.find((c) => c.id === 'us-east')!;
    expect(addBusinessSeconds(new Date('2026-12-04T22:00:00Z'), 86_400, ny).toISOString()).toBe('2026-12-07T22:00:00.000Z');
    expect(addBusinessSeconds(new Date('2026-03-06T22:00:00Z'), 86_400, ny).toISOString()).toBe('2026-03-09T21:00:00.000Z');
    expect(addBusinessSeconds(new Date('2026-12-04T09:00:00Z'), 86_400, configured.find((c) => c.id === 'sg')!).toISOString()).toBe('2026-12-07T09:00:00.000Z');
    for (const c of configured) {
      const entity = c.legal_entities[0] === '*' ? 'no such entity' : c.legal_entities[0] ?? 'no such entity';
      const r = await store.query<{ b: string }>(
        sql`SELECT toString(${businessSeconds(sql`t`, sql`h`, configured)}) AS b
          FROM (SELECT arrayJoin(${times.map((t) => t.toISOString().replace('T', ' ').replace('Z', ''))}) AS s,
            toDateTime64(s, 3, 'UTC') AS t, ${holidaysFor(sql`${entity}`, configured)} AS h)`,
      );
      expect(r.map((x) => Number(x.b)), c.id).toEqual(times.map((t) => businessSecondsAt(t, c)));
    }
  });

  it('follows merges and splits', async () => {
    await writer.merge('crm:opportunity:OPP-B', 'crm:opportunity:OPP-A', 'alice', 'one deal in two CRMs');
    await writer.settled();
    const merged = await store.query<{ n: string }>(
      sql`SELECT count() AS n FROM clock_intervals WHERE correlation_id = 'crm:opportunity:OPP-B'`,
    );
    expect(Number(merged[0].n)).toBe(0);
    await expectSnapshotMatches(MONTH_LATER);
    await writer.split('crm:opportunity:OPP-B', 'crm:opportunity:OPP-A', 'bob', 'not the same deal');
    await writer.settled();
    await expectSnapshotMatches(MONTH_LATER);
  });

  it('builds the clock of a saved SLA policy, and keeps it current', async () => {
    const input = {
      name: 'EMEA milestones billed in 3 days', start_events: ['milestone.completed'], end_events: ['invoice.issued'],
      match: 'record', anchor: 'occurred_at', threshold_hours: 72, unit: 'business', severity: 'high',
      scope: { region: 'EMEA' }, enabled: true,
    };
    const p = await saveSlaPolicy(store, { input, mode: 'create', by: 'test' });
    const id = clockId(p, p.scope);
    expect((await builtClocks(store)).has(id)).toBe(false);
    writer.clocks.invalidate();
    await writer.settled();
    expect((await builtClocks(store)).has(id)).toBe(true);
    const [{ n }] = await store.query<{ n: string }>(sql`SELECT count() AS n FROM clock_intervals WHERE clock = ${id}`);
    expect(Number(n)).toBeGreaterThan(0);
    await expectSnapshotMatches(MONTH_LATER);
  });

  it('counts closed intervals per day and threshold exactly, through merges, splits and a new policy', async () => {
    // at FIXTURE_NOW and a month later without a customer filter (3 × 2 of 12): before the data's
    // last end (2026-03-20) and with a customer filter the views read the intervals
    expect(await expectTalliesMatch()).toBe(6);
  });

  it('forgets a tally that left the set and counts it again when it comes back (a threshold edited and edited back)', async () => {
    const input = {
      name: 'Invoices paid in 10 days', start_events: ['invoice.issued'], end_events: ['payment.received'],
      match: 'invoice-paid', anchor: 'occurred_at', threshold_hours: 240, unit: 'calendar', severity: 'low',
      scope: {}, enabled: true,
    };
    const saved = async (threshold: number, mode: 'create' | 'update', id?: string) => {
      const p = await saveSlaPolicy(store, { input: { ...input, id, threshold_hours: threshold }, mode, by: 'test' });
      writer.clocks.invalidate();
      await writer.settled();
      return p;
    };
    const p = await saved(240, 'create');
    const at240 = tallyBuildId(tallyOf(p, p.scope));
    expect((await builtClocks(store)).has(at240)).toBe(true);
    await saved(100, 'update', p.id);
    expect((await builtClocks(store)).has(at240)).toBe(false);
    // while the policy counts at 100 h, a merge moves intervals between deals (and dimensions)
    await writer.merge('crm:opportunity:OPP-C', 'crm:opportunity:OPP-A', 'alice', 'tally test');
    await writer.settled();
    await saved(240, 'update', p.id);
    expect((await builtClocks(store)).has(at240)).toBe(true);
    expect(await expectTalliesMatch(COUNTED_READINGS)).toBe(2);
    await writer.split('crm:opportunity:OPP-C', 'crm:opportunity:OPP-A', 'bob', 'tally test');
    await writer.settled();
    expect(await expectTalliesMatch(COUNTED_READINGS)).toBe(2);
  }, 180_000);

  it("drops the rows of a clock and a tally that left the set (a policy disabled): nothing reads them, they are not kept for years", async () => {
    const input = {
      name: 'Quote to first invoice in 30 business days', start_events: ['quote.approved'], end_events: ['invoice.issued'],
      match: 'deal', anchor: 'occurred_at', threshold_hours: 240, unit: 'business', severity: 'low', scope: {}, enabled: true,
    };
    const rows = async (table: 'clock_intervals' | 'clock_days', id: string) =>
      Number((await store.query<{ n: string }>(table === 'clock_intervals' ? sql`SELECT count() AS n FROM clock_intervals WHERE clock = ${id}` : sql`SELECT count() AS n FROM clock_days WHERE tally = ${id}`))[0].n);
    const before = await allClocks(store);
    const p = await saveSlaPolicy(store, { input, mode: 'create', by: 'test' });
    writer.clocks.invalidate();
    await writer.settled();
    const tally = tallyOf(p, p.scope);
    expect(before.clocks.has(tally.clock)).toBe(false); // a clock of its own, not one the product keeps anyway
    expect(await rows('clock_intervals', tally.clock)).toBeGreaterThan(0);
    expect(await rows('clock_days', tally.id)).toBeGreaterThan(0);
    await saveSlaPolicy(store, { input: { ...input, id: p.id, enabled: false }, mode: 'update', by: 'test' });
    writer.clocks.invalidate();
    await writer.settled();
    expect((await builtClocks(store)).has(tally.clock)).toBe(false);
    expect(await rows('clock_intervals', tally.clock)).toBe(0);
    expect(await rows('clock_days', tally.id)).toBe(0);
    // the other clocks keep theirs, and their tallies still equal a count of their intervals
    expect(await rows('clock_intervals', [...before.clocks.keys()][0])).toBeGreaterThan(0);
    expect(await expectTalliesMatch(COUNTED_READINGS)).toBe(2);
  }, 180_000);

  it('reconciles counts left wrong by a round cut short between its counts and its delete', async () => {
    const [t] = (await allClocks(store)).tallies.values();
    await store.command(sql`INSERT INTO clock_days (tally, anchor_day, start_day, region, practice, legal_entity, billing_model, n, n_late, max_end)
      VALUES (${t.id}, '2026-03-02', '2026-03-02', 'EMEA', 'Advisory', 'Cashtrace GmbH', 'milestone', -1, -1, '2026-03-02 00:00:00')`);
    await expect(expectTalliesMatch(COUNTED_READINGS)).rejects.toThrow();
    await buildMissing(store, await allClocks(store), { reconcile: true });
    expect(await expectTalliesMatch(COUNTED_READINGS)).toBe(2);
  });

  it('lists show each item once while a refresh holds two copies of a deal (insert before delete)', async () => {
    const now = MONTH_LATER.toISOString();
    const lists = async () => {
      const stuck = await getStuckItems(store, { limit: 500, now });
      const leakage = await getLeakage(store, { now, limit: 500 });
      const breaches = await getSlaBreaches(store, { now, limit: 500 });
      const unstaffed = await getUnstaffedProjects(store, { now, limit: 500 });
      // and a project a page (keyset): each once, in the one page's order
      const walked: string[] = [];
      for (let cursor: string | undefined, i = 0; i === 0 || cursor; i++) {
        const p = await getUnstaffedProjects(store, { now, limit: 1, cursor });
        walked.push(...p.items.map((x) => x.entity_key));
        cursor = p.next_cursor ?? undefined;
      }
      expect(walked).toEqual(unstaffed.items.map((x) => x.entity_key));
      return {
        stuck: stuck.items.map((i) => i.id).sort(),
        unstaffed: unstaffed.items.map((i) => i.entity_key).sort(),
        leakage: leakage.records.map((r) => `${r.category}|${r.entity_key}|${r.amount}`).sort(),
        breaches: breaches.breaches.map((b) => `${b.policy_id}|${b.entity_key}`).sort(),
      };
    };
    // more deals with a project nobody is on, some of one value (the project key orders them)
    await writer.write(
      [1, 2, 3, 4, 5].flatMap((n) => [
        ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: `OPP-U${n}`, amount: n < 4 ? 5000 : 1000 * n, currency: 'EUR', occurred_at: '2026-03-10T09:00:00Z' }),
        ev({ source: 'psa', type: 'project.provisioned', entity_type: 'project', entity_id: `PRJ-U${n}`, refs: [`crm:opportunity:OPP-U${n}`], occurred_at: '2026-03-14T09:00:00Z' }),
      ]),
    );
    await writer.settled();
    const before = await lists();
    expect(before.stuck.length).toBeGreaterThan(3);
    expect(before.unstaffed.length).toBeGreaterThan(5);
    expect(new Set(before.stuck).size).toBe(before.stuck.length);
    // The moment between a round's insert and its delete: every row of every deal twice, the
    // newer copy under a higher version.
    const [{ v }] = await store.query<{ v: string }>(sql`SELECT toString(max(version)) AS v FROM clock_intervals`);
    const copy = BigInt(v) + 1n;
    await store.command(sql`INSERT INTO clock_intervals SELECT * REPLACE (${copy.toString()}::UInt64 AS version) FROM clock_intervals`);
    try {
      expect(await lists()).toEqual(before);
    } finally {
      await store.command(sql`DELETE FROM clock_intervals WHERE version = ${copy.toString()}::UInt64`);
    }
    expect(await lists()).toEqual(before);
  });
});
