// POST /api/links: a user corrects the link graph by hand. A merge joins an invoice the ERP
// sent without its deal's reference; a split cuts a wrong link and re-stitches the deal
// without it. Each is audited; bad input and callers without the permission are refused
// with nothing changed. Against the real runtime on a temp chDB store fed through the
// ingest pipeline, signed in through the real login route.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '@/lib/runtime';
import { closeTestRuntime, openTestRuntime } from '@/lib/testing/test-runtime';
import { req, signInAll, type Session } from '@/lib/testing/auth-requests';
import { ev } from '@/lib/testing/events';
import { resolveKey } from '@/lib/queries/resolve-key';
import { getAuditLog } from '@/lib/queries/get-audit-log';

let rt: Runtime;
let s: Record<string, Session>;
let links: typeof import('./route');

const OPP_X = 'crm:opportunity:OPP-LX';
const OPP_Y = 'crm:opportunity:OPP-LY';

beforeAll(async () => {
  rt = await openTestRuntime();
  const { ingestEvents } = await import('@/lib/ingest/pipeline');
  const r = await ingestEvents(
    rt,
    [
      ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-LX', occurred_at: '2026-03-02T09:00:00Z', amount: 5000, currency: 'EUR' }),
      // the ERP sent the invoice without its deal's reference: an orphan
      ev({ type: 'invoice.issued', source: 'erp', entity_type: 'invoice', entity_id: 'INV-LX', occurred_at: '2026-03-20T09:00:00Z', amount: 5000, currency: 'EUR' }),
      ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-LY', occurred_at: '2026-03-02T09:00:00Z', amount: 7000, currency: 'EUR' }),
      ev({ type: 'quote.approved', source: 'cpq', entity_type: 'quote', entity_id: 'Q-LY', refs: [OPP_Y], occurred_at: '2026-03-03T09:00:00Z', amount: 7000, currency: 'EUR' }),
    ],
    { collector: 'test' },
  );
  expect(r).toMatchObject({ accepted: 4, rejected: [] });
  await rt.writer!.settled();
  const login = await import('../auth/login/route');
  s = await signInAll(login.POST);
  links = await import('./route');
});
afterAll(async () => closeTestRuntime(rt));

const post = (body: unknown, session: Session | null = s.finance) => links.POST(req('/api/links', { method: 'POST', session, body }));

describe('POST /api/links', () => {
  it('merges an orphan invoice into its deal, audited with who, why and the deals before and after', async () => {
    expect(await resolveKey(rt.store, 'erp:invoice:INV-LX')).toBeNull();
    const res = await post({ kind: 'merge', a: 'erp:invoice:INV-LX', b: OPP_X, reason: 'ERP sent the invoice without the opportunity' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ kind: 'merge', after: { a: OPP_X, b: OPP_X }, deals: [OPP_X] });
    expect(body.before.b).toBe(OPP_X);
    expect(body.before.a).not.toBe(OPP_X);
    await rt.writer!.settled();
    expect(await resolveKey(rt.store, 'erp:invoice:INV-LX')).toBe(OPP_X);
    const [entry] = await getAuditLog(rt.store, { action: 'link.merge' });
    expect(entry).toMatchObject({ action: 'link.merge', actor_role: 'finance', target: `erp:invoice:INV-LX ↔ ${OPP_X}`, reason: 'ERP sent the invoice without the opportunity', outcome: 'done' });
  });

  it('splits a wrong link: the quote leaves the deal', async () => {
    expect(await resolveKey(rt.store, 'cpq:quote:Q-LY')).toBe(OPP_Y);
    const res = await post({ kind: 'split', a: 'cpq:quote:Q-LY', b: OPP_Y, reason: 'quote belongs to another opportunity' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ kind: 'split', before: { a: OPP_Y, b: OPP_Y }, after: { b: OPP_Y } });
    expect(body.after.a).not.toBe(OPP_Y);
    await rt.writer!.settled();
    expect(await resolveKey(rt.store, 'cpq:quote:Q-LY')).not.toBe(OPP_Y);
    expect(await getAuditLog(rt.store, { action: 'link.split' })).toHaveLength(1);
  });

  it('refuses bad input and callers without the permission, changing nothing', async () => {
    const refused = async (res: Response, status: number, message: RegExp) => {
      expect(res.status).toBe(status);
      expect((await res.json()).error.message).toMatch(message);
    };
    await refused(await post({ kind: 'merge', a: OPP_X, b: OPP_X, reason: 'same one twice' }), 400, /a and b must be different records/);
    await refused(await post({ kind: 'merge', a: 'erp:invoice:INV-LX', b: OPP_Y, reason: 'x' }), 400, /invalid/);
    await refused(await post({ kind: 'join', a: 'erp:invoice:INV-LX', b: OPP_Y, reason: 'no such kind' }), 400, /invalid/);
    await refused(await post({ kind: 'merge', a: 'INV-LX', b: OPP_Y, reason: 'a bare ID is no key' }), 400, /invalid/);
    await refused(await links.POST(new Request('http://cashtrace.test/api/links', { method: 'POST', headers: { cookie: s.finance.cookie, 'x-csrf-token': s.finance.csrf, 'content-type': 'application/json' }, body: '{not json' })), 400, /body must be JSON/);
    await refused(await post({ kind: 'merge', a: 'erp:invoice:INV-LX', b: OPP_Y, reason: 'the executive may not' }, s.executive), 403, /./);
    await refused(await post({ kind: 'merge', a: 'erp:invoice:INV-LX', b: OPP_Y, reason: 'nobody signed in' }, null), 401, /./);
    // nothing moved, nothing more audited
    await rt.writer!.settled();
    expect(await resolveKey(rt.store, 'erp:invoice:INV-LX')).toBe(OPP_X);
    expect(await getAuditLog(rt.store, { action: 'link.merge' })).toHaveLength(1);
  });
});
