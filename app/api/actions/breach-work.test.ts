// An SLA policy of one's own is worked like a queue: its open breaches are exceptions
// (`<policy>:<record>`) its owner's role acknowledges, assigns, snoozes and resolves — over the
// real route handlers and chDB. The owner defaults from the events the clock waits for, an
// admin changes it, and the server, the assignees list and the breach rows agree on it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '@/lib/runtime';
import type { Session } from '@/lib/testing/auth-requests';
import { req, signInAll } from '@/lib/testing/auth-requests';
import { uninvoicedMilestones } from '@/lib/testing/events';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-breach-work-'));
process.env.CASHTRACE_DATA_DIR = dir;
process.env.CASHTRACE_CONNECTORS = 'off';

let rt: Runtime;
let s: Record<string, Session>;
let actions: typeof import('./route');
let policies: typeof import('../sla/policies/route');
let breaches: typeof import('../sla/breaches/route');
let assignees: typeof import('../assignees/route');

const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

beforeAll(async () => {
  const { getRuntime } = await import('@/lib/runtime');
  rt = await getRuntime();
  s = await signInAll((await import('../auth/login/route')).POST);
  actions = await import('./route');
  policies = await import('../sla/policies/route');
  breaches = await import('../sla/breaches/route');
  assignees = await import('../assignees/route');
  const { ingestEvents } = await import('@/lib/ingest/pipeline');
  const r = await ingestEvents(rt, uninvoicedMilestones('bw', 'Acme', [9000]), { collector: 'test' });
  expect(r.accepted).toBe(3);
  await rt.writer!.settled();
});

afterAll(async () => {
  await rt.shutdown();
  await rt.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function act(session: Session, body: Record<string, unknown>) {
  const res = await actions.POST(req('/api/actions', { method: 'POST', session, body: { reason: 'test', ...body }, headers: { 'idempotency-key': `bw-${n++}` } }));
  return { status: res.status, json: (await res.json()) as { status?: string; error?: { message: string } } };
}

async function openBreaches(policy: string) {
  const res = await breaches.GET(req(`/api/sla/breaches?policy=${policy}&kind=open`, { session: s.executive }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { breaches: { exception_id: string; owner: string; entity_key: string; state: string; assignee: string }[] }).breaches;
}

async function mayBeAssigned(rule: string) {
  const res = await assignees.GET(req(`/api/assignees?rule=${rule}`, { session: s.finance }));
  return { status: res.status, users: res.status === 200 ? ((await res.json()) as { users: { username: string }[] }).users.map((u) => u.username).sort() : [] };
}

describe("an SLA policy's open breaches", () => {
  it("are its owner's to work: finance by default for an invoice's clock; the PMO's once an admin says so", async () => {
    const input = { name: 'Milestones invoiced within two days', start_events: ['milestone.completed'], end_events: ['invoice.issued'], match: 'record', anchor: 'occurred_at', threshold_hours: 16, unit: 'business', severity: 'high' };
    const created = await policies.POST(req('/api/sla/policies', { method: 'POST', session: s.admin, body: input }));
    expect(created.status).toBe(201);
    const policy = (await created.json()) as { id: string; owner: string };
    expect(policy).toMatchObject({ id: 'milestones-invoiced-within-two-days', owner: 'finance' });

    const [b] = await openBreaches(policy.id);
    expect(b).toMatchObject({ exception_id: `${policy.id}:psa:milestone:MS-BW1`, owner: 'finance', resync_target: 'erp', state: 'open', assignee: '' });
    // its record re-synced to the system its clock waits for (the ERP: the invoice); not by the PMO, whose syncs go to the PSA
    expect(await act(s.pmo, { kind: 'resync', target: 'erp', entity_key: b.entity_key, exception_id: b.exception_id })).toMatchObject({ status: 403 });
    expect(await act(s.finance, { kind: 'resync', target: 'erp', entity_key: b.entity_key, exception_id: b.exception_id })).toMatchObject({ status: 201, json: { status: 'sent' } });

    // the PMO may not touch finance's breach, nor be handed it; the assign menu offers finance (and the admin)
    expect(await act(s.pmo, { kind: 'acknowledge', exception_id: b.exception_id })).toMatchObject({ status: 403, json: { error: { message: `exceptions of ${policy.id} belong to the finance queue` } } });
    expect(await act(s.finance, { kind: 'assign', exception_id: b.exception_id, assignee: 'pmo' })).toMatchObject({ status: 400 });
    expect(await mayBeAssigned(policy.id)).toEqual({ status: 200, users: ['admin', 'finance'] });
    expect(await act(s.finance, { kind: 'assign', exception_id: b.exception_id, assignee: 'finance' })).toMatchObject({ status: 201, json: { status: 'verified' } });
    expect((await openBreaches(policy.id))[0]).toMatchObject({ state: 'assigned', assignee: 'finance' });

    // handed to the PMO: now theirs to resolve, no longer finance's
    const saved = await policies.PUT(req('/api/sla/policies', { method: 'PUT', session: s.admin, body: { ...input, id: policy.id, owner: 'pmo' } }));
    expect(saved.status).toBe(200);
    expect((await openBreaches(policy.id))[0]).toMatchObject({ owner: 'pmo', state: 'assigned', assignee: 'finance' });
    expect(await mayBeAssigned(policy.id)).toEqual({ status: 200, users: ['admin', 'pmo'] });
    expect(await act(s.finance, { kind: 'snooze', exception_id: b.exception_id, until: ago(-3) })).toMatchObject({ status: 403 });
    expect(await act(s.pmo, { kind: 'assign', exception_id: b.exception_id, assignee: 'pmo' })).toMatchObject({ status: 201, json: { status: 'verified' } });
    expect(await act(s.pmo, { kind: 'resolve', exception_id: b.exception_id, resolution_code: 'fixed_in_source' })).toMatchObject({ status: 201, json: { status: 'verified' } });
    expect((await openBreaches(policy.id))[0]).toMatchObject({ state: 'resolved', assignee: 'pmo' });
  });

  it('a policy that does not exist is no queue: refused, and its assignees too', async () => {
    expect(await act(s.finance, { kind: 'acknowledge', exception_id: 'no-such-policy:psa:milestone:MS-BW1' })).toMatchObject({ status: 403, json: { error: { message: 'unknown queue "no-such-policy"; only an admin may change it' } } });
    expect(await mayBeAssigned('no-such-policy')).toEqual({ status: 400, users: [] });
    // a stuck rule's policy stays its queue's
    const res = await policies.PUT(req('/api/sla/policies', { method: 'PUT', session: s.admin, body: { id: 'milestone-not-invoiced', name: 'Milestone not invoiced', start_events: ['milestone.completed'], end_events: ['invoice.issued'], match: 'record', anchor: 'occurred_at', threshold_hours: 40, unit: 'business', severity: 'high', owner: 'it' } }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { details: { issues: string[] } } }).error.details.issues).toEqual(["owner: a stuck rule's breaches are its queue's, finance's"]);
  });
});
