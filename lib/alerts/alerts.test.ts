// Alerts end to end against real chDB and a local HTTP receiver: a breach is announced
// once, reminded while open, resolved once; a failing receiver is retried with backoff and
// every attempt recorded; Slack channels get {text}.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { openTempStore } from '../testing/temp-store';
import { createInProcessBus } from '../bus/in-process';
import { IngestWriter } from '../ingest/writer';
import { ingestEvents } from '../ingest/pipeline';
import type { Runtime } from '../runtime';
import { createAlertRule, updateAlertRule } from './rules';
import { evaluateAlerts } from './evaluator';
import { saveSlaPolicy } from '../queries/save-sla-policy';
import { applyExceptionChange } from '../actions/exceptions';

let store: Store;
let rt: Runtime;
let writer: IngestWriter;
let server: http.Server;
let base = '';
const received: { path: string; delivery: string; body: Record<string, unknown> }[] = [];
let failuresLeft = 0;

const FAST = { attempts: 4, baseMs: 30, timeoutMs: 2000 };

beforeAll(async () => {
  ({ store } = await openTempStore());
  writer = await IngestWriter.open(store);
  const bus = createInProcessBus(async (events) => {
    const r = await writer.write(events);
    return { duplicateFlags: r.stored.map((x) => !x) };
  });
  rt = { store, bus, batcher: null, ingestToken: 'x'.repeat(20), startedAt: new Date(), onShutdown: () => undefined, shutdown: async () => undefined };
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (req.url === '/flaky' && failuresLeft > 0) {
        failuresLeft -= 1;
        res.writeHead(503).end('down');
        return;
      }
      received.push({ path: req.url ?? '', delivery: String(req.headers['x-cashtrace-delivery']), body: JSON.parse(data) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await store.close();
});

function syncRun(i: number, type: 'sync.succeeded' | 'sync.failed', at: Date) {
  return {
    event_id: `al-${type}-${i}-${at.getTime()}`,
    source: 'middleware',
    type,
    occurred_at: at.toISOString(),
    entity_type: 'sync',
    entity_id: `run-${i}-${at.getTime()}`,
    refs: [`psa:milestone:MS-${i}`],
    status: type === 'sync.failed' ? 'HTTP_503' : 'success',
    attributes: { flow_source: 'psa', flow_target: 'erp' },
  };
}

describe('alerts', () => {
  it('announces a flow breach once, reminds while open, resolves once', async () => {
    const t0 = new Date();
    await ingestEvents(rt, [0, 1, 2].map((i) => syncRun(i, 'sync.failed', new Date(t0.getTime() - 60_000))).concat([syncRun(3, 'sync.succeeded', new Date(t0.getTime() - 60_000))]), { collector: 'test' });
    const rule = await createAlertRule(
      store,
      { name: 'PSA→ERP failing', kind: 'flow_error_rate', params: { threshold: 0.5, window_minutes: 30, min_runs: 2 }, channel: 'webhook', url: `${base}/hook`, reminder_minutes: 10, enabled: true },
      'test',
    );
    const p1 = await evaluateAlerts(rt, t0, FAST);
    expect(p1.notices.map((n) => n.notice)).toEqual(['opened']);
    expect(await p1.delivered).toEqual([true]);
    expect(received).toHaveLength(1);
    expect(received[0].body).toMatchObject({ notice: 'opened', breach_key: 'flow:psa>erp', value: 0.75, rule: { id: rule.id } });

    // Still breaching a minute later: nothing new (deduplicated per breach).
    const p2 = await evaluateAlerts(rt, new Date(t0.getTime() + 60_000), FAST);
    expect(p2.notices).toHaveLength(0);
    expect(received).toHaveLength(1);

    // Past reminder_minutes: one reminder.
    const p3 = await evaluateAlerts(rt, new Date(t0.getTime() + 11 * 60_000), FAST);
    expect(p3.notices.map((n) => n.notice)).toEqual(['reminder']);
    await p3.delivered;
    expect(received).toHaveLength(2);

    // Recovered: the window now holds enough successes.
    const t4 = new Date(t0.getTime() + 12 * 60_000);
    await ingestEvents(rt, [4, 5, 6, 7, 8].map((i) => syncRun(i, 'sync.succeeded', new Date(t4.getTime() - 1000))), { collector: 'test' });
    const p4 = await evaluateAlerts(rt, t4, FAST);
    expect(p4.notices.map((n) => n.notice)).toEqual(['resolved']);
    await p4.delivered;
    const p5 = await evaluateAlerts(rt, new Date(t4.getTime() + 60_000), FAST);
    expect(p5.notices).toHaveLength(0);
    expect(received.map((r) => r.body.notice)).toEqual(['opened', 'reminder', 'resolved']);
    expect(new Set(received.map((r) => r.delivery)).size).toBe(3);
    await updateAlertRule(store, rule.id, { enabled: false }, 'test');
  });

  it('retries a failing receiver with backoff and records every attempt; Slack gets {text}', async () => {
    received.length = 0;
    failuresLeft = 2;
    const t0 = new Date();
    await ingestEvents(rt, [10, 11].map((i) => syncRun(i, 'sync.failed', new Date(t0.getTime() - 1000))), { collector: 'test' });
    const rule = await createAlertRule(
      store,
      { name: 'Flows to Slack', kind: 'flow_error_rate', params: { threshold: 0.1, window_minutes: 1, min_runs: 2 }, channel: 'slack', url: `${base}/flaky`, reminder_minutes: 0, enabled: true },
      'test',
    );
    const started = Date.now();
    const p = await evaluateAlerts(rt, t0, FAST);
    expect(await p.delivered).toEqual([true]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30 + 60 - 10);
    expect(received).toHaveLength(1);
    expect(String(received[0].body.text)).toContain('Flows to Slack');
    const attempts = await store.query(
      sql`SELECT attempt, ok, http_status FROM alert_deliveries WHERE rule_id = ${rule.id} ORDER BY attempt`,
      z.object({ attempt: z.coerce.number(), ok: z.coerce.number(), http_status: z.coerce.number() }),
    );
    expect(attempts).toEqual([
      { attempt: 1, ok: 0, http_status: 503 },
      { attempt: 2, ok: 0, http_status: 503 },
      { attempt: 3, ok: 1, http_status: 204 },
    ]);
    // reminder_minutes = 0: no reminders, however long it stays open.
    const later = await evaluateAlerts(rt, new Date(t0.getTime() + 30_000), FAST);
    expect(later.notices).toHaveLength(0);
  });

  it('stuck-queue thresholds (count, money) and SLA breaches are evaluated from the views queries', async () => {
    received.length = 0;
    const ago = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    await ingestEvents(
      rt,
      [
        { event_id: 'st-opp', source: 'crm', type: 'opportunity.won', occurred_at: ago(60), entity_type: 'opportunity', entity_id: 'OPP-ST', amount: 9000, currency: 'EUR', attributes: { customer: 'Umbrella', region: 'EMEA' } },
        { event_id: 'st-prj', source: 'psa', type: 'project.provisioned', occurred_at: ago(50), entity_type: 'project', entity_id: 'PRJ-ST', refs: ['crm:opportunity:OPP-ST'] },
        { event_id: 'st-ms', source: 'psa', type: 'milestone.completed', occurred_at: ago(30), entity_type: 'milestone', entity_id: 'MS-ST', refs: ['psa:project:PRJ-ST'], amount: 4000, currency: 'EUR' },
      ],
      { collector: 'test' },
    );
    await writer.settled(); // the views' queries read the clock snapshot, refreshed behind the writer
    const count = await createAlertRule(store, { name: 'Uninvoiced milestones', kind: 'stuck_count', params: { threshold: 1, rule: 'milestone-not-invoiced', window_minutes: 60, min_runs: 1 }, channel: 'webhook', url: `${base}/hook`, reminder_minutes: 0, enabled: true }, 'test');
    const money = await createAlertRule(store, { name: 'Too much unbilled', kind: 'stuck_amount', params: { threshold: 1_000_000, rule: 'milestone-not-invoiced', window_minutes: 60, min_runs: 1 }, channel: 'webhook', url: `${base}/hook`, reminder_minutes: 0, enabled: true }, 'test');
    const sla = await createAlertRule(store, { name: 'SLA', kind: 'sla_breaches', params: { threshold: 1, window_minutes: 60, min_runs: 1 }, channel: 'webhook', url: `${base}/hook`, reminder_minutes: 0, enabled: true }, 'test');
    const p = await evaluateAlerts(rt, new Date(), FAST);
    await p.delivered;
    expect(p.skipped).toEqual([]);
    const mine = p.notices.filter((n) => n.rule.id === count.id);
    expect(mine.map((n) => [n.notice, n.breach_key, n.value])).toEqual([['opened', 'stuck:milestone-not-invoiced', 1]]);
    expect(p.notices.filter((n) => n.rule.id === money.id)).toHaveLength(0);
    // The SLA rule ran against the views' breach query; every breach it reported is a policy key.
    expect(p.notices.filter((n) => n.rule.id === sla.id).every((n) => n.breach_key.startsWith('sla:'))).toBe(true);
  });

  it('a KPI past its target by the rule\'s share opens an incident; a rule for no such KPI or queue is refused', async () => {
    received.length = 0;
    const ago = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    // a payment applied three days after it was received: payment application lag 72 h against a target of 24 h
    await ingestEvents(
      rt,
      [
        { event_id: 'kp-inv', source: 'erp', type: 'invoice.issued', occurred_at: ago(20), entity_type: 'invoice', entity_id: 'INV-KP', refs: ['crm:opportunity:OPP-ST'], amount: 4000, currency: 'EUR' },
        { event_id: 'kp-pay', source: 'payments', type: 'payment.received', occurred_at: ago(10), entity_type: 'payment', entity_id: 'PAY-KP', refs: ['erp:invoice:INV-KP'], amount: 4000, currency: 'EUR' },
        { event_id: 'kp-ca', source: 'erp', type: 'cash.applied', occurred_at: ago(7), entity_type: 'cash_application', entity_id: 'CA-KP', refs: ['payments:payment:PAY-KP', 'erp:invoice:INV-KP'], amount: 4000, currency: 'EUR' },
      ],
      { collector: 'test' },
    );
    await writer.settled();
    const rule = (name: string, threshold: number, kpi?: string) =>
      createAlertRule(store, { name, kind: 'kpi_off_target', params: { threshold, ...(kpi ? { rule: kpi } : {}), window_minutes: 60, min_runs: 1 }, channel: 'webhook', url: `${base}/hook`, reminder_minutes: 0, enabled: true }, 'test');
    const past = await rule('Cash applied late', 0.5, 'payment_application_lag');
    const far = await rule('Cash applied very late', 5, 'payment_application_lag');
    const p = await evaluateAlerts(rt, new Date(), FAST);
    await p.delivered;
    expect(p.skipped).toEqual([]);
    const mine = p.notices.filter((n) => n.rule.id === past.id);
    expect(mine.map((n) => [n.notice, n.breach_key, n.value])).toEqual([['opened', 'kpi:payment_application_lag', 72]]);
    expect(received.find((r) => r.body.incident_id === mine[0].incident_id)?.body.summary).toMatch(/^Payment application lag: 72\.0 h against a target of 24\.0 h \(200 % past it; threshold 50 %\), /);
    expect(p.notices.filter((n) => n.rule.id === far.id)).toHaveLength(0);
    await expect(rule('Typo', 0, 'payment_lag')).rejects.toThrow(/^no KPI "payment_lag": one of quote_to_cash, /);
    await expect(createAlertRule(store, { name: 'Typo', kind: 'stuck_count', params: { threshold: 1, rule: 'milestones', window_minutes: 60, min_runs: 1 }, channel: 'webhook', url: `${base}/hook`, reminder_minutes: 0, enabled: true }, 'test')).rejects.toThrow(/^no stuck queue "milestones"/);
  });

  it('a money threshold keeps its currency: a later change of reporting currency converts it instead of changing its meaning', async () => {
    // the milestone of the stuck-queue test: EUR 4,000 not invoiced (milestone-not-invoiced)
    const rule = (name: string, threshold: number, currency?: string) =>
      createAlertRule(store, { name, kind: 'stuck_amount', params: { threshold, ...(currency ? { currency } : {}), rule: 'milestone-not-invoiced', window_minutes: 60, min_runs: 1 }, channel: 'webhook', url: `${base}/hook`, reminder_minutes: 0, enabled: true }, 'test');
    const above = await rule('Unbilled over 4,200', 4200);
    expect(above.params.currency).toBe('EUR'); // saved in the reporting currency of the day
    const inUsd = await rule('Unbilled over US$4,000', 4000, 'USD');
    await expect(rule('Unbilled in a currency without a rate', 100, 'XYZ')).rejects.toThrow('no exchange rate for XYZ: give the threshold in EUR, or set a rate for XYZ (admin settings, CASHTRACE_FX_RATES)');
    const fired = async () => {
      received.length = 0;
      const p = await evaluateAlerts(rt, new Date(), FAST);
      await p.delivered;
      expect(p.skipped).toEqual([]);
      return Object.fromEntries([above, inUsd].map((r) => [r.name, p.notices.filter((n) => n.rule.id === r.id).map((n) => received.find((x) => x.body.incident_id === n.incident_id)?.body.summary ?? n.notice)]));
    };
    // EUR 4,000 against EUR 4,200: no; against US$4,000 = EUR 3,600: yes
    expect(await fired()).toEqual({ 'Unbilled over 4,200': [], 'Unbilled over US$4,000': ['Milestone not invoiced: 4000.00 EUR stuck in 1 item(s) (threshold 4000 USD = 3600.00 EUR)'] });
    // reported in US dollars now: US$4,444.44 stuck, still under EUR 4,200 = US$4,666.67 (compared as 4,200 dollars it would open)
    const { resetEnvForTests } = await import('../env');
    process.env.CASHTRACE_REPORTING_CURRENCY = 'USD';
    resetEnvForTests();
    try {
      const usd = await fired();
      expect(usd['Unbilled over 4,200']).toEqual([]);
      expect(usd['Unbilled over US$4,000']).toEqual([]); // still open: no second notice
      const { moneyThreshold } = await import('./signals');
      expect(moneyThreshold(above.params, 'USD')).toEqual({ threshold: 4666.67, text: '4200 EUR = 4666.67 USD' });
    } finally {
      delete process.env.CASHTRACE_REPORTING_CURRENCY;
      resetEnvForTests();
    }
    for (const r of [above, inUsd]) await updateAlertRule(store, r.id, { enabled: false }, 'test');
    // a threshold in a currency whose rate is removed later: compared 1:1 and said so; the rule can still be paused
    process.env.CASHTRACE_FX_RATES = 'NZD=0.5';
    resetEnvForTests();
    const nzd = await rule('Unbilled over NZ$3,000', 3000, 'NZD');
    delete process.env.CASHTRACE_FX_RATES;
    resetEnvForTests();
    received.length = 0;
    const p = await evaluateAlerts(rt, new Date(), FAST);
    await p.delivered;
    const opened = p.notices.filter((n) => n.rule.id === nzd.id);
    expect(opened.map((n) => received.find((x) => x.body.incident_id === n.incident_id)?.body.summary)).toEqual([
      'Milestone not invoiced: 4000.00 EUR stuck in 1 item(s) (threshold 3000 NZD, no rate for NZD: compared 1:1)',
    ]);
    expect((await updateAlertRule(store, nzd.id, { enabled: false }, 'test'))?.enabled).toBe(false);
    await expect(updateAlertRule(store, nzd.id, { params: { ...nzd.params, threshold: 2000 } }, 'test')).resolves.toMatchObject({ params: { threshold: 2000, currency: 'NZD' } });
    await expect(updateAlertRule(store, nzd.id, { params: { ...nzd.params, currency: 'XYZ' } }, 'test')).rejects.toThrow('no exchange rate for XYZ');
  });

  it("tells a channel when an item is assigned to someone and needs work, and when it no longer does (done, snoozed, handed on)", async () => {
    // the milestone of the stuck-queue test, not invoiced for 30 days (milestone-not-invoiced)
    const id = 'milestone-not-invoiced:psa:milestone:MS-ST';
    const rule = (name: string, params: { threshold: number; rule?: string }) =>
      createAlertRule(store, { name, kind: 'assigned_work', params: { ...params, window_minutes: 60, min_runs: 1 }, channel: 'slack', url: `${base}/slack`, reminder_minutes: 0, enabled: true }, 'test');
    const everyone = await rule('Work handed out', { threshold: 0 });
    const ann = await rule("Ann's work", { threshold: 0, rule: 'ann' });
    const veryLate = await rule('Assigned and a year late', { threshold: 365 * 24 });
    await expect(rule('Typo', { threshold: 0, rule: 'Not A User!' })).rejects.toThrow(/^"Not A User!" is not a username/);
    const pass = async () => {
      received.length = 0;
      const p = await evaluateAlerts(rt, new Date(), FAST);
      await p.delivered;
      expect(p.skipped).toEqual([]);
      const of = (r: { id: string }) => p.notices.filter((n) => n.rule.id === r.id).map((n) => [n.notice, n.breach_key]);
      return { everyone: of(everyone), ann: of(ann), veryLate: of(veryLate), texts: received.filter((r) => r.path === '/slack').map((r) => String(r.body.text)) };
    };
    // nobody holds anything yet
    expect(await pass()).toMatchObject({ everyone: [], ann: [], veryLate: [] });

    const change = (c: Omit<Parameters<typeof applyExceptionChange>[1], 'exception_id' | 'by' | 'action_id'>, by = 'lead') =>
      applyExceptionChange(store, { exception_id: id, by, action_id: `act_${c.kind}_${Date.now()}`, ...c });
    await change({ kind: 'assign', assignee: 'bob' });
    let p = await pass();
    expect(p).toMatchObject({ everyone: [['opened', `assigned:bob:${id}`]], ann: [], veryLate: [] });
    expect(p.texts).toEqual([expect.stringMatching(/^:inbox_tray: \*Assigned: Work handed out\*\nMilestone not invoiced: psa:milestone:MS-ST \(Umbrella, 4000\.00 EUR, \d+ h late\) is assigned to bob by lead and needs work\n/)]);
    // still his: announced once
    expect((await pass()).everyone).toEqual([]);
    // handed on to Ann: his resolves, hers opens (on both rules watching her)
    await change({ kind: 'assign', assignee: 'ann' });
    p = await pass();
    expect(p.everyone).toEqual([['opened', `assigned:ann:${id}`], ['resolved', `assigned:bob:${id}`]]);
    expect(p.ann).toEqual([['opened', `assigned:ann:${id}`]]);
    expect(p.texts.filter((t) => t.includes('*Done, snoozed or handed on: Work handed out*'))).toHaveLength(1);
    // snoozed, it needs no work for now
    await change({ kind: 'snooze', until: new Date(Date.now() + 3 * 86_400_000).toISOString() }, 'ann');
    p = await pass();
    expect(p).toMatchObject({ everyone: [['resolved', `assigned:ann:${id}`]], ann: [['resolved', `assigned:ann:${id}`]], veryLate: [] });

    // a rule saved over work already handed out does not announce it all at once: what is
    // assigned from then on, it does (taken up again from its snooze, then handed to Cy: a
    // reassignment alone would keep the snooze)
    await change({ kind: 'acknowledge' }, 'ann');
    await change({ kind: 'assign', assignee: 'cy' });
    await new Promise((r) => setTimeout(r, 5));
    const lateComer = await rule('Saved later', { threshold: 0 });
    received.length = 0;
    let q = await evaluateAlerts(rt, new Date(), FAST);
    await q.delivered;
    expect(q.notices.filter((n) => n.rule.id === lateComer.id)).toEqual([]);
    expect(q.notices.filter((n) => n.rule.id === everyone.id).map((n) => [n.notice, n.breach_key])).toEqual([['opened', `assigned:cy:${id}`]]);
    await change({ kind: 'assign', assignee: 'dee' });
    q = await evaluateAlerts(rt, new Date(), FAST);
    await q.delivered;
    expect(q.notices.filter((n) => n.rule.id === lateComer.id).map((n) => [n.notice, n.breach_key])).toEqual([['opened', `assigned:dee:${id}`], ['resolved', `assigned:cy:${id}`]]);

    // an open breach of a policy of one's own, assigned, is announced as the queues' items are
    const own = await saveSlaPolicy(store, {
      input: { name: 'Invoiced within a day', start_events: ['milestone.completed'], end_events: ['invoice.issued'], match: 'record', anchor: 'occurred_at', threshold_hours: 8, unit: 'business', severity: 'low' },
      mode: 'create', by: 'test',
    });
    const ownId = `${own.id}:psa:milestone:MS-ST`;
    await applyExceptionChange(store, { exception_id: ownId, kind: 'assign', assignee: 'eve', by: 'lead', action_id: 'act_own_1' });
    p = await pass();
    expect(p.everyone).toEqual([['opened', `assigned:eve:${ownId}`]]);
    expect(p.texts.filter((t) => t.includes('Work handed out'))).toEqual([expect.stringMatching(/^:inbox_tray: \*Assigned: Work handed out\*\nInvoiced within a day: psa:milestone:MS-ST \(Umbrella, 4000\.00 EUR, \d+ h late\) is assigned to eve by lead and needs work\n/)]);
    await applyExceptionChange(store, { exception_id: ownId, kind: 'resolve', resolution_code: 'fixed_in_source', by: 'eve', action_id: 'act_own_2' });
    expect((await pass()).everyone).toEqual([['resolved', `assigned:eve:${ownId}`]]);
    await saveSlaPolicy(store, { input: { ...own, enabled: false }, mode: 'update', by: 'test' });
    for (const r of [everyone, ann, veryLate, lateComer]) await updateAlertRule(store, r.id, { enabled: false }, 'test');
  });
});
