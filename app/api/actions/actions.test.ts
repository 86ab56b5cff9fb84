// The closed loop over the real route handlers, chDB and the in-process bus: a stuck
// milestone re-synced by finance becomes unstuck when the connector's invoice arrives; a
// failing connector leaves the action failed with its reason; a repeated request creates
// one action; exception workflow and replay of a dead letter.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Runtime } from '@/lib/runtime';
import type { Session } from '@/lib/testing/auth-requests';
import { eventually, params, req, signInAll } from '@/lib/testing/auth-requests';
import { uninvoicedMilestones } from '@/lib/testing/events';
import { startTestClickHouseServer, testStoreIsServer, type TestClickHouseServer } from '@/lib/testing/test-clickhouse';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-actions-'));
process.env.CASHTRACE_DATA_DIR = dir;
process.env.CASHTRACE_CONNECTORS = 'off';
process.env.CASHTRACE_VERIFIER_INTERVAL_MS = '200';
process.env.CASHTRACE_ACTION_TIMEOUT_S = '30';

let rt: Runtime;
let s: Record<string, Session>;
let actions: typeof import('./route');
let actionById: typeof import('./[id]/route');
let bulk: typeof import('./bulk/route');

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

function dealEvents() {
  const attrs = { customer: 'Acme', region: 'EMEA', practice: 'Data', legal_entity: 'ACME-DE', billing_model: 'milestone' };
  return [
    { event_id: 'cl-opp', source: 'crm', type: 'opportunity.won', occurred_at: ago(60), entity_type: 'opportunity', entity_id: 'OPP-CL1', amount: 50000, currency: 'EUR', attributes: attrs },
    { event_id: 'cl-ctr', source: 'clm', type: 'contract.signed', occurred_at: ago(58), entity_type: 'contract', entity_id: 'CTR-CL1', refs: ['crm:opportunity:OPP-CL1'], amount: 50000, currency: 'EUR' },
    { event_id: 'cl-so', source: 'erp', type: 'order.created', occurred_at: ago(57), entity_type: 'sales_order', entity_id: 'SO-CL1', refs: ['crm:opportunity:OPP-CL1', 'clm:contract:CTR-CL1'], amount: 50000, currency: 'EUR' },
    { event_id: 'cl-prj', source: 'psa', type: 'project.provisioned', occurred_at: ago(56), entity_type: 'project', entity_id: 'PRJ-CL1', refs: ['clm:contract:CTR-CL1'] },
    { event_id: 'cl-bs', source: 'erp', type: 'billing_schedule.created', occurred_at: ago(55), entity_type: 'billing_schedule', entity_id: 'BS-CL1', refs: ['erp:sales_order:SO-CL1', 'psa:project:PRJ-CL1'], amount: 50000, currency: 'EUR' },
    { event_id: 'cl-ms1', source: 'psa', type: 'milestone.completed', occurred_at: ago(30), entity_type: 'milestone', entity_id: 'MS-CL1', refs: ['psa:project:PRJ-CL1'], amount: 20000, currency: 'EUR' },
    { event_id: 'cl-ms2', source: 'psa', type: 'milestone.completed', occurred_at: ago(29), entity_type: 'milestone', entity_id: 'MS-CL2', refs: ['psa:project:PRJ-CL1'], amount: 30000, currency: 'EUR' },
  ];
}

/** Server mode (actions.server.test.ts): the ClickHouse server the runtime's store is on. */
let server: TestClickHouseServer | null = null;

beforeAll(async () => {
  if (testStoreIsServer()) server = await startTestClickHouseServer();
  const { getRuntime } = await import('@/lib/runtime');
  rt = await getRuntime();
  expect(rt.store.kind).toBe(server ? 'server' : 'embedded');
  const login = await import('../auth/login/route');
  s = await signInAll(login.POST);
  actions = await import('./route');
  actionById = await import('./[id]/route');
  bulk = await import('./bulk/route');
  const { ingestEvents } = await import('@/lib/ingest/pipeline');
  const r = await ingestEvents(rt, dealEvents(), { collector: 'test' });
  expect(r.accepted).toBe(7);
  await rt.writer!.settled(); // the stuck queues read the clock snapshot, refreshed behind the writer
  // The demo systems, with scripted answers: billing refuses, everything else succeeds.
  const { startSimulatedConnectors } = await import('@/collectors/connectors/simulated');
  await startSimulatedConnectors(rt, {
    behaviour: (cmd) =>
      cmd.target === 'billing' ? { outcome: 'fail', delayMs: 100, error: ['VALIDATION_ERROR', 'required field tax_code is missing'] } : { outcome: 'succeed', delayMs: 300 },
  });
});

afterAll(async () => {
  await rt.shutdown();
  await rt.store.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function post(session: Session, body: unknown, key: string) {
  const res = await actions.POST(req('/api/actions', { method: 'POST', session, body, headers: { 'idempotency-key': key } }));
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function waitForStatus(id: string, statuses: string[]) {
  return eventually(async () => {
    const a = (await (await actionById.GET(req(`/api/actions/${id}`, { session: s.finance }), params({ id }))).json()) as { status: string; detail: string; subject: string; history: { status: string }[] };
    return statuses.includes(a.status) ? a : null;
  });
}

async function stuckIds(): Promise<string[]> {
  const { getStuckItems } = await import('@/lib/queries/get-stuck-items');
  const r = await getStuckItems(rt.store, { rule: 'milestone-not-invoiced', limit: 100 });
  return r.items.map((i) => i.id);
}

describe('closed loop', () => {
  it('a stuck milestone re-synced to the ERP is invoiced, the action verified and the item unstuck', async () => {
    expect(await stuckIds()).toContain('milestone-not-invoiced:psa:milestone:MS-CL1');
    const { status, json } = await post(s.finance, { kind: 'resync', target: 'erp', entity_key: 'psa:milestone:MS-CL1', reason: 'invoice missing in ERP' }, 'loop-1');
    expect(status).toBe(201);
    expect(json.status).toBe('sent');
    const a = await waitForStatus(String(json.action_id), ['verified', 'failed', 'timed_out']);
    expect(a.status).toBe('verified');
    expect(a.history.map((h) => h.status)).toEqual(['requested', 'sent', 'acknowledged', 'verified']);
    const { sql } = await import('@/lib/clickhouse/sql');
    const inv = await rt.store.query(
      sql`SELECT entity_key, refs, toFloat64(amount) AS amount FROM events WHERE type = 'invoice.issued'`,
      z.object({ entity_key: z.string(), refs: z.array(z.string()), amount: z.number() }),
    );
    expect(inv).toHaveLength(1);
    expect(inv[0].refs).toEqual(['psa:milestone:MS-CL1', 'erp:sales_order:SO-CL1']);
    expect(inv[0].amount).toBe(20000);
    await rt.writer!.settled();
    const ids = await stuckIds();
    expect(ids).not.toContain('milestone-not-invoiced:psa:milestone:MS-CL1');
    expect(ids).toContain('milestone-not-invoiced:psa:milestone:MS-CL2');
  });

  it('a repeated request with the same Idempotency-Key creates one action', async () => {
    const body = { kind: 'resync', target: 'erp', entity_key: 'psa:milestone:MS-CL2', reason: 'retry please' };
    const [a, b] = await Promise.all([post(s.finance, body, 'loop-2'), post(s.finance, body, 'loop-2')]);
    const c = await post(s.finance, body, 'loop-2');
    expect(new Set([a.json.action_id, b.json.action_id, c.json.action_id]).size).toBe(1);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(c.json.replayed).toBe(true);
    const { sql } = await import('@/lib/clickhouse/sql');
    const rows = await rt.store.query(sql`SELECT count() AS n FROM actions WHERE idempotency_key = 'loop-2'`, z.object({ n: z.coerce.number() }));
    expect(rows[0].n).toBe(1);
    const conflict = await post(s.finance, { ...body, reason: 'something else' }, 'loop-2');
    expect(conflict.status).toBe(409);
    await waitForStatus(String(a.json.action_id), ['verified']);
  });

  it('a failing connector leaves the action failed with its reason', async () => {
    const { json } = await post(s.finance, { kind: 'resync', target: 'billing', entity_key: 'psa:milestone:MS-CL2', reason: 'try billing engine' }, 'loop-3');
    const a = await waitForStatus(String(json.action_id), ['verified', 'failed', 'timed_out']);
    expect(a.status).toBe('failed');
    expect(a.detail).toBe('required field tax_code is missing');
  });

  it('a record unknown to the source system fails with NOT_FOUND', async () => {
    const { json } = await post(s.finance, { kind: 'resync', target: 'erp', entity_key: 'psa:milestone:MS-NOPE', reason: 'x' }, 'loop-4');
    const a = await waitForStatus(String(json.action_id), ['verified', 'failed', 'timed_out']);
    expect(a.status).toBe('failed');
    expect(a.detail).toMatch(/not known to the source system/);
  });
});

describe('retry', () => {
  it('a retry without a target goes to the target of the record’s last failed sync', async () => {
    const { ingestEvents } = await import('@/lib/ingest/pipeline');
    await ingestEvents(
      rt,
      [{ event_id: 'cl-syncfail', source: 'middleware', type: 'sync.failed', occurred_at: ago(2), entity_type: 'sync', entity_id: 'run-cl', refs: ['payments:payment:PAY-CL9'], status: 'HTTP_503', attributes: { flow_source: 'payments', flow_target: 'erp' } }],
      { collector: 'test' },
    );
    const { json, status } = await post(s.it, { kind: 'retry', entity_key: 'payments:payment:PAY-CL9', reason: 'transient outage' }, 'retry-1');
    expect(status).toBe(201);
    const a = await waitForStatus(String(json.action_id), ['sent', 'acknowledged', 'verified', 'failed']);
    expect(a.subject).toBe('cashtrace.cmd.erp.retry');
    const none = await post(s.it, { kind: 'retry', entity_key: 'payments:payment:PAY-NEVER', reason: 'x' }, 'retry-2');
    expect(none.status).toBe(400);
  });
});

describe('exception workflow and replay', () => {
  it('acknowledge, assign and resolve change the exception state; time to resolve is measured', async () => {
    const exception_id = 'milestone-not-invoiced:psa:milestone:MS-CL2';
    const stuck_since = ago(24);
    expect((await post(s.finance, { kind: 'acknowledge', exception_id, reason: 'looking', stuck_since }, 'ex-1')).json.status).toBe('verified');
    const assign = await post(s.finance, { kind: 'assign', exception_id, assignee: 'finance', reason: 'mine' }, 'ex-2');
    expect(assign.json.status).toBe('verified');
    const bad = await post(s.finance, { kind: 'assign', exception_id, assignee: 'nobody-here', reason: 'x' }, 'ex-3');
    expect(bad.status).toBe(400);
    // a snooze until a time the store cannot hold is refused with what to send (was a 500 from the engine), and changes nothing
    const never = await post(s.finance, { kind: 'snooze', exception_id, until: '+275760-09-13T00:00:00Z', reason: 'x' }, 'ex-3b');
    expect([never.status, JSON.stringify(never.json)]).toEqual([400, expect.stringContaining('until: must be an ISO-8601 timestamp or epoch milliseconds')]);
    const far = await post(s.finance, { kind: 'snooze', exception_id, until: '2150-01-01T00:00:00Z', reason: 'x' }, 'ex-3c');
    expect([far.status, JSON.stringify(far.json)]).toEqual([400, expect.stringContaining('until: must be between the years 2000 and 2100')]);
    const { getExceptionStates } = await import('@/lib/queries/exception-states');
    expect((await getExceptionStates(rt.store, [exception_id])).get(exception_id)).toMatchObject({ state: 'assigned', assignee: 'finance', by: 'finance' });
    await post(s.finance, { kind: 'resolve', exception_id, resolution_code: 'fixed_in_source', reason: 'done' }, 'ex-4');
    expect((await getExceptionStates(rt.store, [exception_id])).get(exception_id)).toMatchObject({ state: 'resolved', assignee: 'finance' });
    const { getExceptionStats } = await import('@/lib/queries/get-exception-stats');
    const stats = await getExceptionStats(rt.store);
    expect(stats.total.resolved).toBe(1);
    expect(stats.total.resolve_hours_p50).toBeGreaterThan(24 * 24 - 1);
    expect(stats.total.resolve_hours_p50).toBeLessThan(24 * 24 + 1);
  });

  it('PMO works its unstaffed projects as a queue: acknowledge, assign, and a re-sync from the PSA brings the assignment; finance may not', async () => {
    const { getUnstaffedProjects } = await import('@/lib/queries/get-unstaffed-projects');
    const unstaffed = async () => (await getUnstaffedProjects(rt.store, {})).items.find((i) => i.entity_key === 'psa:project:PRJ-CL1');
    const item = (await unstaffed())!;
    expect(item).toMatchObject({ id: 'project-unstaffed:psa:project:PRJ-CL1', rule: 'project-unstaffed', state: 'open', assignee: '' });
    const refused = await post(s.finance, { kind: 'acknowledge', exception_id: item.id, reason: 'x' }, 'un-0');
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.json)).toContain('belong to the pmo queue');
    expect((await post(s.pmo, { kind: 'acknowledge', exception_id: item.id, reason: 'staffing call tomorrow', stuck_since: item.since }, 'un-1')).json.status).toBe('verified');
    expect((await post(s.pmo, { kind: 'assign', exception_id: item.id, assignee: 'pmo', reason: 'mine' }, 'un-2')).json.status).toBe('verified');
    expect(await unstaffed()).toMatchObject({ state: 'assigned', assignee: 'pmo' });
    // the PMO queue's "assigned to" filter
    const ids = async (assignee: string) => (await getUnstaffedProjects(rt.store, { assignee })).items.map((i) => i.id);
    expect(await ids('pmo')).toEqual([item.id]);
    expect(await ids('-')).not.toContain(item.id);
    expect((await getUnstaffedProjects(rt.store, { state: 'active' })).items.map((i) => i.id)).toContain(item.id);
    expect((await getUnstaffedProjects(rt.store, { state: 'snoozed' })).items.map((i) => i.id)).not.toContain(item.id);
    // the consultant was assigned in the PSA, the event never came: re-sync the project from it
    const resync = await post(s.pmo, { kind: 'resync', target: 'psa', entity_key: item.entity_key, exception_id: item.id, reason: 'assigned in the PSA, not synced' }, 'un-3');
    expect(resync.status).toBe(201);
    const a = await waitForStatus(String(resync.json.action_id), ['verified', 'failed', 'timed_out']);
    expect(a.status).toBe('verified');
    const { sql } = await import('@/lib/clickhouse/sql');
    const assigned = await rt.store.query(
      sql`SELECT refs, correlation_id FROM events WHERE type = 'resource.assigned'`,
      z.object({ refs: z.array(z.string()), correlation_id: z.string() }),
    );
    expect(assigned).toEqual([{ refs: ['psa:project:PRJ-CL1'], correlation_id: 'crm:opportunity:OPP-CL1' }]);
    await rt.writer!.settled();
    expect(await unstaffed()).toBeUndefined();
  });

  it('assigns an item only to a person who may work it, unassigns it, and the queues, their CSV and bulk assignment follow the assignee', async () => {
    const { ingestEvents } = await import('@/lib/ingest/pipeline');
    const r = await ingestEvents(rt, uninvoicedMilestones('as', 'Assign Co', [4000, 5000]), { collector: 'test' });
    expect(r.accepted).toBe(4);
    await rt.writer!.settled();
    const { createUser, updateUser, getUserByUsername } = await import('@/lib/auth/users');
    await createUser(rt.store, { username: 'fiona', display_name: 'Fiona Finance', role: 'finance' });
    const gone = await createUser(rt.store, { username: 'gone', display_name: 'Left the firm', role: 'finance' });
    await updateUser(rt.store, gone.id, { disabled: true });
    await createUser(rt.store, { username: 'robot', display_name: 'A pipeline', role: 'admin', origin: 'system' });
    const [a1, a2] = ['milestone-not-invoiced:psa:milestone:MS-AS1', 'milestone-not-invoiced:psa:milestone:MS-AS2'];

    // who may be assigned: the list the menus offer and the check the server makes agree
    const stuckRoute = await import('../stuck/route');
    const assigneesRoute = await import('../assignees/route');
    const people = async (rule?: string) => {
      const res = await assigneesRoute.GET(req(`/api/assignees${rule ? `?rule=${rule}` : ''}`, { session: s.finance }));
      expect(res.status).toBe(200);
      return ((await res.json()) as { users: { username: string }[] }).users.map((u) => u.username);
    };
    expect(await people('milestone-not-invoiced')).toEqual(['admin', 'finance', 'fiona']);
    expect(await people('project-unstaffed')).toEqual(['admin', 'pmo']);
    expect(await people()).toEqual(['admin', 'finance', 'fiona', 'it', 'pmo']);
    expect((await assigneesRoute.GET(req('/api/assignees?rule=nonsense', { session: s.finance }))).status).toBe(400);
    const refusals: [string, string][] = [
      ['pmo', 'pmo (pmo) may not be assigned this item: exceptions of milestone-not-invoiced belong to the finance queue'],
      ['executive', 'executive (executive) may not take actions'],
      ['gone', 'gone is disabled'],
      ['robot', 'robot is an automation account, not a person to assign work to'],
      ['nobody-here', 'no user named nobody-here'],
    ];
    for (const [k, [who, message]] of refusals.entries()) {
      const res = await post(s.finance, { kind: 'assign', exception_id: a1, assignee: who, reason: 'x' }, `as-bad-${k}`);
      expect([res.status, (res.json.error as { message: string }).message]).toEqual([400, message]);
    }

    // a username in any case is the user
    expect((await post(s.finance, { kind: 'assign', exception_id: a1, assignee: ' Fiona ', reason: 'hers', stuck_since: ago(23) }, 'as-1')).json.status).toBe('verified');
    const queue = async (assignee: string, format = 'json') => stuckRoute.GET(req(`/api/stuck?rule=milestone-not-invoiced&assignee=${encodeURIComponent(assignee)}&format=${format}`, { session: s.executive }));
    const listed = async (assignee: string) => {
      const res = await queue(assignee);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { total: number; total_value: number; items: { id: string; state: string; assignee: string; value: number; state_at: string }[] };
      expect(body.total).toBe(body.items.length);
      expect(body.total_value).toBeCloseTo(body.items.reduce((sum, i) => sum + i.value, 0), 2);
      return body.items;
    };
    expect(await listed('fiona')).toEqual([expect.objectContaining({ id: a1, state: 'assigned', assignee: 'fiona', value: 4000, state_by: 'finance', state_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) })]);
    expect(Date.now() - Date.parse((await listed('fiona'))[0].state_at)).toBeLessThan(60_000);
    expect(await listed('FIONA')).toHaveLength(1);
    const nobodys = (await listed('-')).map((i) => i.id);
    expect(nobodys).toContain(a2);
    expect(nobodys).not.toContain(a1);
    expect(await listed('gone')).toEqual([]);
    const csv = await (await queue('fiona', 'csv')).text();
    expect(csv.trim().split('\r\n').map((l) => l.split(',')[0])).toEqual(['id', a1]);
    expect((await queue('Not a user!')).status).toBe(400);

    // bulk: the dry run says who may not be assigned, the real run assigns every row
    const bulkRun = async (assignee: string, dry_run: boolean, key: string) => {
      const res = await bulk.POST(req('/api/actions/bulk', { method: 'POST', session: s.finance, body: { kind: 'assign', assignee, reason: 'spread the work', dry_run, items: [{ exception_id: a1 }, { exception_id: a2 }] }, headers: { 'idempotency-key': key } }));
      return { status: res.status, json: (await res.json()) as { items: { outcome: string; message: string }[] } };
    };
    expect((await bulkRun('pmo', true, 'as-bulk-1')).json.items.map((i) => [i.outcome, i.message])).toEqual([
      ['refused', refusals[0][1]],
      ['refused', refusals[0][1]],
    ]);
    const done = await bulkRun('finance', false, 'as-bulk-2');
    expect(done.json.items.map((i) => i.outcome)).toEqual(['created', 'created']);
    expect((await listed('finance')).map((i) => i.id)).toEqual(expect.arrayContaining([a1, a2]));
    expect(await listed('fiona')).toEqual([]);

    // unassigned: seen (acknowledged), nobody's
    expect((await post(s.finance, { kind: 'assign', exception_id: a1, assignee: '', reason: 'back to the pool' }, 'as-2')).json.status).toBe('verified');
    expect((await listed('-')).find((i) => i.id === a1)).toMatchObject({ state: 'acknowledged', assignee: '' });
    expect((await listed('finance')).map((i) => i.id)).not.toContain(a1);

    // someone leaves holding an item: the list names them apart, the queue still finds their items to reassign
    expect((await post(s.finance, { kind: 'assign', exception_id: a2, assignee: 'fiona', reason: 'hers now' }, 'as-3')).json.status).toBe('verified');
    await updateUser(rt.store, (await getUserByUsername(rt.store, 'fiona'))!.id, { disabled: true });
    const res = await assigneesRoute.GET(req('/api/assignees?rule=milestone-not-invoiced', { session: s.finance }));
    const body = (await res.json()) as { users: { username: string }[]; holders: { username: string; display_name: string; why: string }[] };
    expect(body.users.map((u) => u.username)).toEqual(['admin', 'finance']);
    expect(body.holders).toEqual([{ username: 'fiona', display_name: 'Fiona Finance', why: 'fiona is disabled' }]);
    expect((await listed('fiona')).map((i) => i.id)).toEqual([a2]);
    expect((await post(s.finance, { kind: 'assign', exception_id: a2, assignee: 'fiona', reason: 'x' }, 'as-4')).status).toBe(400);
    expect((await post(s.finance, { kind: 'assign', exception_id: a2, assignee: 'finance', reason: 'fiona left' }, 'as-5')).json.status).toBe('verified');
    expect((await (await assigneesRoute.GET(req('/api/assignees', { session: s.finance }))).json()).holders).toEqual([]);

    // who holds the work: per assignee, nobody included, most money first; the CSV the same
    const workloadRoute = await import('../stuck/workload/route');
    const workload = async (format = 'json') => workloadRoute.GET(req(`/api/stuck/workload?rules=milestone-not-invoiced&customer=Assign+Co&format=${format}`, { session: s.executive }));
    expect(((await (await workload()).json()) as { rows: unknown[] }).rows).toEqual([
      { assignee: 'finance', items: 1, value: 5000, max_late_hours: expect.any(Number) },
      { assignee: '', items: 1, value: 4000, max_late_hours: expect.any(Number) },
    ]);
    // every stuck item once: the holders' items add up to the queues' counts and money
    const everyone = ((await (await workloadRoute.GET(req('/api/stuck/workload', { session: s.executive }))).json()) as { rows: { items: number; value: number }[] }).rows;
    const queues = ((await (await stuckRoute.GET(req('/api/stuck', { session: s.executive }))).json()) as { queues: { count: number; value: number }[] }).queues;
    const add = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(add(everyone.map((r) => r.items))).toBe(add(queues.map((q) => q.count)));
    expect(add(everyone.map((r) => r.value))).toBeCloseTo(add(queues.map((q) => q.value)), 0);
    expect(everyone.length).toBeGreaterThan(1);
    expect((await (await workload('csv')).text()).trim().split('\r\n').map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['assignee,items,value', 'finance,1,5000', ',1,4000']);

    // the state filter: a snoozed item leaves "needs work" until its snooze runs out, a resolved one for good
    const inState = async (state: string) =>
      ((await (await stuckRoute.GET(req(`/api/stuck?rule=milestone-not-invoiced&customer=Assign+Co&state=${state}`, { session: s.executive }))).json()) as { items: { id: string }[] }).items.map((i) => i.id).sort();
    expect(await inState('active')).toEqual([a1, a2]);
    // the queue's card counts what is stuck and, of it, what needs work
    const card = async () =>
      ((await (await stuckRoute.GET(req('/api/stuck?customer=Assign+Co', { session: s.executive }))).json()) as { queues: { rule: string; count: number; needs_work: number }[] }).queues.find((q) => q.rule === 'milestone-not-invoiced');
    expect(await card()).toMatchObject({ count: 2, needs_work: 2 });
    const tomorrow = new Date(Date.now() + DAY).toISOString();
    expect((await post(s.finance, { kind: 'snooze', exception_id: a1, until: tomorrow, reason: 'customer promised' }, 'as-6')).json.status).toBe('verified');
    expect((await post(s.finance, { kind: 'resolve', exception_id: a2, resolution_code: 'fixed_in_source', reason: 'invoiced by hand' }, 'as-7')).json.status).toBe('verified');
    expect([await inState('active'), await inState('snoozed'), await inState('resolved')]).toEqual([[], [a1], [a2]]);
    expect(await card()).toMatchObject({ count: 2, needs_work: 0 });
    const summaryCsv = (await (await stuckRoute.GET(req('/api/stuck?customer=Assign+Co&format=csv', { session: s.executive }))).text()).trim().split('\r\n');
    expect(summaryCsv[0]).toBe('rule,title,owner,count,needs_work,value,value_currency');
    expect(summaryCsv.find((l) => l.startsWith('milestone-not-invoiced,'))?.split(',').slice(3, 5)).toEqual(['2', '0']);
    const { getStuckItems } = await import('@/lib/queries/get-stuck-items');
    const snoozedNow = async () => (await getStuckItems(rt.store, { rule: 'milestone-not-invoiced', customer: 'Assign Co', state: 'snoozed' })).items;
    const [snoozed] = await snoozedNow();
    expect(Math.abs(Date.parse(snoozed.snoozed_until) - Date.parse(tomorrow))).toBeLessThan(1000);
    // handing a snoozed item to someone else (or to nobody) keeps it snoozed, until the same time
    for (const [assignee, n] of [['', 'as-6b'], ['finance', 'as-6c']]) {
      expect((await post(s.finance, { kind: 'assign', exception_id: a1, assignee, reason: 'handover' }, n)).json.status).toBe('verified');
      expect((await snoozedNow()).map((i) => [i.id, i.state, i.assignee, i.snoozed_until])).toEqual([[a1, 'snoozed', assignee, snoozed.snoozed_until]]);
    }
    expect(await inState('active')).toEqual([]);
    // as of the day after tomorrow the snooze has run out: a1 needs work again
    const later = new Date(Date.now() + 2 * DAY).toISOString();
    const activeLater = await getStuckItems(rt.store, { rule: 'milestone-not-invoiced', customer: 'Assign Co', state: 'active', now: later });
    expect(activeLater.items.map((i) => [i.id, i.state, i.snoozed_until])).toEqual([[a1, 'open', '']]);
    expect((await stuckRoute.GET(req('/api/stuck?rule=milestone-not-invoiced&state=closed', { session: s.executive }))).status).toBe(400);
  });

  it('PMO may not change a finance queue; IT replays a dead letter with an edited mapping', async () => {
    const refused = await post(s.pmo, { kind: 'acknowledge', exception_id: 'milestone-not-invoiced:psa:milestone:MS-CL2', reason: 'x' }, 'ex-5');
    expect(refused.status).toBe(403);
    const { ingestEvents } = await import('@/lib/ingest/pipeline');
    const bad = { event_id: 'cl-bad-1', source: 'erp', type: 'cash.applied', occurred_at: ago(1), entity_type: 'cash_application', entity_id: 'CA-1', currency: 'euro' };
    const r = await ingestEvents(rt, [bad], { collector: 'test' });
    expect(r.rejected).toHaveLength(1);
    const { sql } = await import('@/lib/clickhouse/sql');
    const [dl] = await rt.store.query(sql`SELECT toString(id) AS id FROM dead_letters WHERE event_id = 'cl-bad-1'`, z.object({ id: z.string() }));
    const asFinance = await post(s.finance, { kind: 'replay', dead_letter_id: dl.id, reason: 'x' }, 'rp-0');
    expect(asFinance.status).toBe(403);
    const still = await post(s.it, { kind: 'replay', dead_letter_id: dl.id, reason: 'as is' }, 'rp-1');
    expect(still.json.status).toBe('failed');
    const fixed = await post(s.it, { kind: 'replay', dead_letter_id: dl.id, mapping: { currency: 'EUR' }, reason: 'currency mapping fixed' }, 'rp-2');
    const fixedAction = await waitForStatus(String(fixed.json.action_id), ['verified', 'failed']);
    expect(fixedAction.detail).toMatch(/replayed 1 item/);
    expect(fixed.json.status).toBe('verified');
    const n = await rt.store.query(sql`SELECT count() AS n FROM events WHERE event_id = 'cl-bad-1'`, z.object({ n: z.coerce.number() }));
    expect(n[0].n).toBe(1);
  });

  it('bulk: a dry run reports per item without creating anything; the real run creates one action each', async () => {
    const body = {
      kind: 'acknowledge',
      reason: 'triage',
      items: [{ exception_id: 'payment-not-applied:payments:payment:PAY-1' }, { exception_id: 'approved-not-provisioned:clm:contract:CTR-CL1' }],
      dry_run: true,
    };
    const call = (b: unknown) => bulk.POST(req('/api/actions/bulk', { method: 'POST', session: s.finance, body: b, headers: { 'idempotency-key': 'bulk-1' } }));
    const dry = (await (await call(body)).json()) as { items: { outcome: string }[] };
    expect(dry.items.map((i) => i.outcome)).toEqual(['would_run', 'refused']);
    const { sql } = await import('@/lib/clickhouse/sql');
    const count = async () => (await rt.store.query(sql`SELECT count() AS n FROM actions WHERE startsWith(idempotency_key, 'bulk-1')`, z.object({ n: z.coerce.number() })))[0].n;
    expect(await count()).toBe(0);
    const real = (await (await call({ ...body, dry_run: false })).json()) as { items: { outcome: string }[] };
    expect(real.items.map((i) => i.outcome)).toEqual(['created', 'refused']);
    const again = (await (await call({ ...body, dry_run: false })).json()) as { items: { outcome: string }[] };
    expect(again.items.map((i) => i.outcome)).toEqual(['existing', 'refused']);
    expect(await count()).toBe(1);
  });
});
