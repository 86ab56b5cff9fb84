// Route tests of the operational-view APIs (/api/kpis, /api/stuck, /api/sla/policies,
// /api/sla/breaches, /api/leakage, /api/pmo/unstaffed) on the hand-built book ingested
// through the real pipeline: status codes, the one error shape, JSON figures and CSV.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestRuntime, openTestRuntime, TEST_ADMIN_TOKEN as TOKEN } from '@/lib/testing/test-runtime';
import { fixtureBatches, FIXTURE_NOW } from '@/lib/testing/q2c-fixture';
import type { Runtime } from '@/lib/runtime';
import { sql } from '@/lib/clickhouse/sql';
import { resetEnvForTests } from '@/lib/env';

const NOW = encodeURIComponent(FIXTURE_NOW.toISOString());
let rt: Runtime;
let r: {
  kpis: typeof import('./kpis/route');
  stuck: typeof import('./stuck/route');
  policies: typeof import('./sla/policies/route');
  breaches: typeof import('./sla/breaches/route');
  leakage: typeof import('./leakage/route');
  unstaffed: typeof import('./pmo/unstaffed/route');
  freshness: typeof import('./freshness/route');
};

beforeAll(async () => {
  rt = await openTestRuntime();
  const { ingestEvents } = await import('@/lib/ingest/pipeline');

  for (const batch of fixtureBatches()) await ingestEvents(rt, batch, { collector: 'test' });
  await rt.writer!.settled(); // the views read the clock snapshot, refreshed behind the writer
  r = {
    kpis: await import('./kpis/route'),
    stuck: await import('./stuck/route'),
    policies: await import('./sla/policies/route'),
    breaches: await import('./sla/breaches/route'),
    leakage: await import('./leakage/route'),
    unstaffed: await import('./pmo/unstaffed/route'),
    freshness: await import('./freshness/route'),
  };
});
afterAll(async () => closeTestRuntime(rt));

const headers = { authorization: `Bearer ${TOKEN}` };
const get = (path: string) => new Request(`http://localhost${path}`, { headers });

describe('operational view APIs', () => {
  it('GET /api/stuck without a rule summarises every queue', async () => {
    const res = await r.stuck.GET(get(`/api/stuck?now=${NOW}`));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { rule: string; count: number }[] };
    expect(body.queues).toHaveLength(9);
    expect(body.queues.reduce((s, q) => s + q.count, 0)).toBe(9);
  });

  it('GET /api/stuck?rule=…&format=csv exports the queue as text/csv', async () => {
    const res = await r.stuck.GET(get(`/api/stuck?rule=invoice-not-collected&now=${NOW}&format=csv`));
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('invoice-not-collected:erp:invoice:INV-C1');
    expect(lines[1]).toContain('16800');
    // the value column's currency (the reporting currency) closes every row
    expect(lines[0]).toMatch(/,value,.*,value_currency$/);
    expect(lines[1]).toMatch(/,EUR$/);
  });

  it('exports every item of the queues, not the page on screen', async () => {
    // the table's page size and a later page's cursor: the export still starts at the first item
    const rules = 'approved-not-provisioned,signed-not-in-erp,provisioned-not-billable,milestone-not-invoiced,time-not-billed,change-not-reflected,invoice-not-collected,payment-not-applied,sync-failed-unrecovered';
    const page = (await (await r.stuck.GET(get(`/api/stuck?rules=${rules}&now=${NOW}&limit=2`))).json()) as { total: number; next_cursor: string };
    expect(page.total).toBe(9);
    const res = await r.stuck.GET(get(`/api/stuck?rules=${rules}&now=${NOW}&limit=2&cursor=${page.next_cursor}&format=csv`));
    const ids = (await res.text()).trim().split('\r\n').slice(1).map((l) => l.split(',')[0]);
    expect(ids).toHaveLength(9);
    expect(new Set(ids).size).toBe(9);
    const second = (await (await r.breaches.GET(get(`/api/sla/breaches?now=${NOW}&from=2026-01-01&to=2026-04-10&limit=1`))).json()) as { next_cursor: string };
    const breaches = await r.breaches.GET(get(`/api/sla/breaches?now=${NOW}&from=2026-01-01&to=2026-04-10&limit=1&cursor=${second.next_cursor}&format=csv`));
    expect((await breaches.text()).trim().split('\r\n')).toHaveLength(1 + 14);
  });

  it('refuses an unknown rule with the one error shape', async () => {
    const res = await r.stuck.GET(get('/api/stuck?rule=not-a-rule'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
  });

  it('GET /api/kpis returns the waterfall and KPIs for the window', async () => {
    const res = await r.kpis.GET(get(`/api/kpis?from=2026-01-01&to=2026-04-10&now=${NOW}`));
    const body = (await res.json()) as { waterfall: { value: number }[]; kpis: { id: string; p50: number | null }[] };
    expect(body.waterfall.map((w) => w.value)).toEqual([261000, 241000, 215125, 136300, 115600]);
    expect(body.kpis.find((k) => k.id === 'quote_to_project')!.p50).toBe(50);
  });

  it('GET /api/sla/breaches and /api/leakage', async () => {
    const b = (await (await r.breaches.GET(get(`/api/sla/breaches?from=2026-01-01&to=2026-04-10&now=${NOW}`))).json()) as { total: number };
    expect(b.total).toBe(14);
    // figures=0 (the nav's count): the workflow's matches without the figures; not without a workflow filter, nor another value
    const bare = (await (await r.breaches.GET(get(`/api/sla/breaches?from=2026-01-01&to=2026-04-10&now=${NOW}&kind=open&assignee=-&figures=0`))).json()) as { total: number; policies: unknown[] };
    const full = (await (await r.breaches.GET(get(`/api/sla/breaches?from=2026-01-01&to=2026-04-10&now=${NOW}&kind=open&assignee=-`))).json()) as { total: number; policies: unknown[] };
    expect([bare.total, bare.policies]).toEqual([full.total, []]);
    expect(full.total).toBeGreaterThan(0);
    expect(full.policies.length).toBeGreaterThan(0);
    const refused = async (q: string) => {
      const res = await r.breaches.GET(get(`/api/sla/breaches?now=${NOW}&${q}`));
      return [res.status, JSON.stringify(await res.json())];
    };
    expect(await refused('figures=0')).toEqual([400, expect.stringContaining('"message":"figures=0 needs assignee= or state= (without them the count is the figures’)"')]);
    expect(await refused('figures=1&state=active')).toEqual([400, expect.stringContaining("figures: 0 (the breaches and their count, not the policies' figures), or leave it out")]);
    const l = (await (await r.leakage.GET(get(`/api/leakage?now=${NOW}`))).json()) as { total: number };
    expect(l.total).toBe(40650);
    const csv = await r.leakage.GET(get(`/api/leakage?now=${NOW}&format=csv&category=invoice_mismatch`));
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('erp:invoice:INV-C2');
  });

  it('pages through SLA breaches and leakage records by keyset: every record once, in order, with the figures on each page', async () => {
    type Page = { next_cursor: string | null; breaches?: { entity_key: string; policy_id: string }[]; records?: { entity_key: string; category: string }[] };
    const walk = async (path: string, limit: number, key: (p: Page) => string[]) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await (path.includes('/sla/') ? r.breaches : r.leakage).GET(get(`${path}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
        expect(res.status).toBe(200);
        const p = (await res.json()) as Page;
        out.push(...key(p));
        cursor = p.next_cursor;
      } while (cursor);
      return out;
    };
    const breaches = (p: Page) => p.breaches!.map((b) => `${b.policy_id}|${b.entity_key}`);
    const path = `/api/sla/breaches?from=2026-01-01&to=2026-04-10&now=${NOW}`;
    const all = await walk(path, 100, breaches);
    expect(all).toHaveLength(14);
    for (const limit of [1, 3, 13]) expect(await walk(path, limit, breaches)).toEqual(all);
    const records = (p: Page) => p.records!.map((x) => `${x.category}|${x.entity_key}`);
    const every = await walk(`/api/leakage?now=${NOW}`, 100, records);
    expect(every.length).toBeGreaterThan(3);
    expect(await walk(`/api/leakage?now=${NOW}`, 2, records)).toEqual(every);
    // an export's pages after its first read the records alone: the same records, in order
    const { getLeakage, getLeakageRecords } = await import('@/lib/queries/get-leakage');
    const { getSlaBreaches, getSlaBreachRows } = await import('@/lib/queries/get-sla-breaches');
    const now = FIXTURE_NOW.toISOString();
    const first = await getLeakage(rt.store, { now, limit: 2 });
    const rest = await getLeakageRecords(rt.store, { now, limit: 100, cursor: first.next_cursor! });
    expect(rest.next_cursor).toBeNull();
    expect(records({ records: [...first.records, ...rest.records], next_cursor: null })).toEqual(every);
    const window = { now, from: '2026-01-01', to: '2026-04-10' };
    const b1 = await getSlaBreaches(rt.store, { ...window, limit: 5 });
    const b2 = await getSlaBreachRows(rt.store, { ...window, limit: 100, cursor: b1.next_cursor! });
    expect(breaches({ breaches: [...b1.breaches, ...b2.breaches], next_cursor: null })).toEqual(all);
    // another list's cursor is refused, not read as some page
    const other = Buffer.from(JSON.stringify({ o: 2 })).toString('base64url');
    expect((await r.breaches.GET(get(`${path}&cursor=${other}`))).status).toBe(400);
    expect((await r.leakage.GET(get(`/api/leakage?now=${NOW}&cursor=${other}`))).status).toBe(400);
    // the stuck queues: every sort walked a page at a time gives its one-page list (keyset, by
    // hours late too)
    const rules = 'approved-not-provisioned,signed-not-in-erp,provisioned-not-billable,milestone-not-invoiced,time-not-billed,change-not-reflected,invoice-not-collected,payment-not-applied,sync-failed-unrecovered';
    const queue = async (sort: string, dir: string, limit: number) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await r.stuck.GET(get(`/api/stuck?rules=${rules}&now=${NOW}&sort=${sort}&dir=${dir}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
        expect(res.status, `${sort} ${dir}`).toBe(200);
        const p = (await res.json()) as { items: { id: string }[]; next_cursor: string | null; total: number };
        expect(p.total).toBe(9);
        ids.push(...p.items.map((i) => i.id));
        cursor = p.next_cursor;
      } while (cursor);
      return ids;
    };
    for (const sort of ['value', 'late', 'since', 'customer']) {
      for (const dir of ['asc', 'desc']) {
        const one = await queue(sort, dir, 50);
        expect(one).toHaveLength(9);
        expect(await queue(sort, dir, 2), `${sort} ${dir}`).toEqual(one);
      }
    }
    // sorted by hours late, a walk is read as of its first page's instant (its cursor holds
    // it): a later page asked days later still shows each item as late as the one-page list
    type Late = { items: { id: string; late_hours: number }[]; next_cursor: string | null };
    const late = async (q: string) => (await (await r.stuck.GET(get(`/api/stuck?rules=${rules}&sort=late&${q}`))).json()) as Late;
    const lateAll = await late(`now=${NOW}&limit=50`);
    const late1 = await late(`now=${NOW}&limit=3`);
    const days = encodeURIComponent(new Date(FIXTURE_NOW.getTime() + 3 * 86_400_000).toISOString());
    const late2 = await late(`now=${days}&limit=3&cursor=${late1.next_cursor}`);
    expect(late2.items.map((i) => [i.id, i.late_hours])).toEqual(lateAll.items.slice(3, 6).map((i) => [i.id, i.late_hours]));
    expect((await late(`now=${days}&limit=3`)).items[0].late_hours).toBeGreaterThan(lateAll.items[0].late_hours);
    // a cursor that is none is refused (it read the first page), on either kind of paging
    expect((await r.stuck.GET(get(`/api/stuck?rule=invoice-not-collected&now=${NOW}&cursor=bm90LWEtY3Vyc29y`))).status).toBe(400);
    expect((await r.stuck.GET(get(`/api/stuck?rule=invoice-not-collected&now=${NOW}&sort=late&cursor=bm90LWEtY3Vyc29y`))).status).toBe(400);
  });

  it('GET /api/pmo/unstaffed lists provisioned projects nobody is on', async () => {
    const body = (await (await r.unstaffed.GET(get(`/api/pmo/unstaffed?now=${NOW}`))).json()) as { items: { entity_key: string }[] };
    // B was provisioned on 03-13 and never staffed; A and C were staffed the next day
    expect(body.items.map((i) => i.entity_key)).toEqual(['psa:project:PRJ-B']);
    // a page at a time (keyset): one project, no page after it; a page that emptied while it
    // was read (every project after the cursor gone) still says how many there are
    type Page = { total: number; items: { entity_key: string }[]; next_cursor: string | null };
    const page = async (cursor?: string) => (await (await r.unstaffed.GET(get(`/api/pmo/unstaffed?now=${NOW}&limit=1${cursor ? `&cursor=${cursor}` : ''}`))).json()) as Page;
    expect(await page()).toMatchObject({ total: 1, items: [{ entity_key: 'psa:project:PRJ-B' }], next_cursor: null });
    const pastB = Buffer.from(JSON.stringify(['0', '~', '~'])).toString('base64url'); // value 0: after every project worth more
    expect(await page(pastB)).toEqual({ total: 1, items: [], next_cursor: null });
    const csv = await (await r.unstaffed.GET(get(`/api/pmo/unstaffed?now=${NOW}&limit=1&cursor=${pastB}&format=csv`))).text();
    expect(csv.trim().split('\r\n')).toHaveLength(1 + 1);
    for (const bad of ['limit=0', 'cursor=not-a-cursor', `cursor=${Buffer.from(JSON.stringify({ o: 1 })).toString('base64url')}`]) {
      expect((await r.unstaffed.GET(get(`/api/pmo/unstaffed?now=${NOW}&${bad}`))).status, bad).toBe(400);
    }
    // the search box: a record key in any case, or nothing matching
    const search = async (q: string) => (await (await r.unstaffed.GET(get(`/api/pmo/unstaffed?now=${NOW}&q=${encodeURIComponent(q)}`))).json()) as { total: number; items: { entity_key: string }[] };
    expect(await search('prj-b')).toMatchObject({ total: 1, items: [{ entity_key: 'psa:project:PRJ-B' }] });
    expect(await search("'; DROP TABLE events; --")).toEqual({ total: 0, items: [], next_cursor: null });
  });

  it('POST/PUT /api/sla/policies validate and save', async () => {
    const list = (await (await r.policies.GET(get('/api/sla/policies'))).json()) as { policies: { id: string }[]; calendars: unknown[] };
    expect(list.policies).toHaveLength(9);
    expect(list.calendars.length).toBeGreaterThan(1);
    const bad = await r.policies.POST(
      new Request('http://localhost/api/sla/policies', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Dispute → credit', start_events: ['invoice.disputed'], end_events: ['invoice.disputed'], match: 'record', anchor: 'occurred_at', threshold_hours: 24, unit: 'business', severity: 'low' }) }),
    );
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { error: { details: { issues: string[] } } };
    expect(err.error.details.issues).toEqual(['end_events: an event cannot both start and stop the clock: invoice.disputed']);
    const ok = await r.policies.POST(
      new Request('http://localhost/api/sla/policies', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Dispute resolved', start_events: ['invoice.disputed'], end_events: ['credit_memo.issued'], match: 'record', anchor: 'occurred_at', threshold_hours: 120, unit: 'business', severity: 'low' }) }),
    );
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { id: string }).id).toBe('dispute-resolved');
  });

  it('GET /api/freshness says whether the figures lag the events written, and by how many deals', async () => {
    type F = { snapshot: { state: string; pending_deals: number | null; behind_since: string | null; behind_seconds: number | null; notice: boolean } };
    const read = async () => (await (await r.freshness.GET(get('/api/freshness'))).json()) as F;
    expect((await read()).snapshot).toMatchObject({ state: 'current', pending_deals: 0, behind_since: null, behind_seconds: null, notice: false });
    const clocks = rt.writer!.clocks;
    const [deal] = await rt.store.query<{ c: string }>(sql`SELECT correlation_id AS c FROM deal_summary LIMIT 1`);
    clocks.writing(1); // a write in progress: the refresher waits for it to end
    const marked = Date.now();
    clocks.markDirty([deal.c]);
    const behind = (await read()).snapshot;
    expect(behind.state).toBe('catching_up');
    expect(behind.pending_deals).toBe(1);
    expect(Date.parse(behind.behind_since!)).toBeGreaterThanOrEqual(marked);
    expect(behind.behind_seconds).toBeGreaterThanOrEqual(0);
    expect(behind.notice).toBe(false); // behind by less than CASHTRACE_FRESHNESS_NOTICE_S (30 s)
    process.env.CASHTRACE_FRESHNESS_NOTICE_S = '0';
    resetEnvForTests();
    try {
      expect((await read()).snapshot.notice).toBe(true);
    } finally {
      delete process.env.CASHTRACE_FRESHNESS_NOTICE_S;
      resetEnvForTests();
    }
    clocks.writing(-1);
    await rt.writer!.settled();
    expect((await read()).snapshot.state).toBe('current');
  });

  it('exports the audit trail page by page: every entry once, newest first, entries of one millisecond across pages', async () => {
    const audit = await import('./audit/route');
    // 12,000 entries, a thousand to a millisecond: the export's 5,000-row pages end inside a millisecond
    await rt.store.command(sql`INSERT INTO audit_log (at, actor_id, actor_name, actor_role, via, action, target, reason, outcome, details, ip)
      SELECT toDateTime64('2026-03-01 00:00:00', 3, 'UTC') + toIntervalMillisecond(intDiv(number, 1000)), 'bulk', 'bulk', 'admin', 'system', 'test.bulk', concat('t', toString(number)), '', 'ok', '{}', ''
      FROM numbers(12000)`);
    const expected = (await rt.store.query<{ id: string }>(sql`SELECT toString(id) AS id FROM audit_log WHERE action = 'test.bulk' ORDER BY at DESC, toString(id)`)).map((x) => x.id);
    expect(expected).toHaveLength(12000);
    const res = await audit.GET(get('/api/audit?action=test.bulk&format=csv'));
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('at,actor_name,actor_role,via,action,target,reason,outcome,details,ip,id');
    expect(lines.slice(1).map((l) => l.split(',').at(-1))).toEqual(expected);
    // the viewer's pages: the same entries, a page at a time
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await audit.GET(get(`/api/audit?action=test.bulk&limit=3000${cursor ? `&cursor=${cursor}` : ''}`))).json()) as { entries: { id: string }[]; next_cursor: string | null };
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(expected);
    expect((await audit.GET(get('/api/audit?cursor=bm90LWEtY3Vyc29y'))).status).toBe(400);
  });

  it('every export is in the audit trail: who, which list, its filters and its rows — or why it was refused', async () => {
    const { getAuditLog } = await import('@/lib/queries/get-audit-log');
    const before = (await getAuditLog(rt.store, { action: 'data.export', limit: 1000 })).length;
    const ok = await r.unstaffed.GET(get(`/api/pmo/unstaffed?now=${NOW}&q=prj-b&limit=5&format=csv`));
    expect((await ok.text()).trim().split('\r\n')).toHaveLength(2);
    expect((await r.unstaffed.GET(get('/api/pmo/unstaffed?limit=0&format=csv'))).status).toBe(400);
    // the JSON list is no export
    expect((await r.unstaffed.GET(get(`/api/pmo/unstaffed?now=${NOW}`))).status).toBe(200);
    // a streamed export the client leaves before its end: the rows it had been sent
    const breaches = (await (await r.breaches.GET(get(`/api/sla/breaches?now=${NOW}`))).json()).total as number;
    expect(breaches).toBeGreaterThan(0);
    const left = await r.breaches.GET(get(`/api/sla/breaches?now=${NOW}&format=csv`));
    expect(left.status).toBe(200);
    await left.body!.cancel();
    const rows = await getAuditLog(rt.store, { action: 'data.export', limit: 1000 });
    expect(rows.length - before).toBe(3);
    const mine = rows.slice(0, 3);
    expect(mine.map((a) => [a.target, a.outcome, JSON.parse(a.details)])).toEqual(
      expect.arrayContaining([
        ['/api/pmo/unstaffed', 'ok', { filters: { now: FIXTURE_NOW.toISOString(), q: 'prj-b' }, rows: 1 }],
        ['/api/pmo/unstaffed', 'refused', { filters: { limit: '0' }, refused: 'bad_request' }],
        // the first page (every breach: one page) had been handed over when the client left
        ['/api/sla/breaches', 'aborted', { filters: { now: FIXTURE_NOW.toISOString() }, rows: breaches }],
      ]),
    );
    expect(mine.every((a) => a.actor_role === 'admin')).toBe(true);
  });
});
