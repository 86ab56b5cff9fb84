// Delivering and billing by model (DOMAIN.md §4 stage 3-4): milestones for fixed-fee and
// milestone deals, weekly approved timesheets and expenses invoiced monthly for time and
// materials, a monthly invoice in advance for retainers. Injects milestone-not-invoiced
// and time-not-billed (missed, deferred or lost in a failed export).

import { entityKey } from '../../lib/events/entity-key';
import { DAY, afterBusinessDays, nextMonthStart, weekEnd } from './calendar';
import type { Setup } from './booking';
import { maybeChangeOrder, type ChangeOrder } from './change';
import type { DealContext } from './emit';
import { issueInvoice } from './invoice';
import { syncHop } from './sync';
import { money } from './world';

export const BILLING_RATES = { milestoneMissing: 0.04, milestoneLate: 0.07, timeOmitted: 0.004, timeDeferred: 0.05 };

export function simulateDelivery(ctx: DealContext, setup: Setup): void {
  if (!setup.projectKey || setup.provisionedAt === null || setup.assignments.length === 0) return;
  const rng = ctx.rng;
  const firstStaffed = Math.min(...setup.assignments.map((a) => a.at));
  const start = afterBusinessDays(rng, Math.max(setup.provisionedAt, firstStaffed), 0, 5, ctx.off);
  const model = ctx.dims.billingModel;
  if (model === 'time_and_materials') timeAndMaterials(ctx, setup, start);
  else if (model === 'retainer') retainer(ctx, setup, start);
  else milestones(ctx, setup, start);
}

function durationDays(ctx: DealContext, setup: Setup): number {
  const usd = setup.contractValue / ctx.dims.legalEntity.fx;
  return Math.max(20, Math.min(180, (usd / 25000) * 7 * ctx.rng.float(0.7, 1.3)));
}

function milestones(ctx: DealContext, setup: Setup, start: number): void {
  const rng = ctx.rng;
  const pcts = ctx.dims.billingModel === 'fixed_fee' ? rng.pick([[0.5, 0.5], [0.3, 0.4, 0.3], [0.25, 0.25, 0.5]]) : rng.pick([[0.2, 0.3, 0.3, 0.2], [0.1, 0.2, 0.2, 0.25, 0.25], [0.4, 0.3, 0.3], [0.15, 0.15, 0.2, 0.2, 0.15, 0.15]]);
  const names = ['Discovery', 'Design', 'Build', 'Test', 'Deploy', 'Handover'];
  const days = durationDays(ctx, setup);
  const co = maybeChangeOrder(ctx, setup, start + days * DAY * rng.float(0.2, 0.6));
  const list = pcts.map((p, k) => ({ name: names[k], amount: money(setup.contractValue * p), at: start + ((k + 1) / pcts.length) * days * DAY * rng.float(0.9, 1.1) }));
  if (co) list.push({ name: 'Change request', amount: co.value, at: co.at + rng.float(10, 30) * DAY });
  list.sort((a, b) => a.at - b.at);
  let seq = 0;
  list.forEach((m, k) => {
    const id = `MS-${ctx.number}-${k + 1}`;
    const key = entityKey('psa', 'milestone', id);
    const at = afterBusinessDays(rng, m.at, 0, 0.5, ctx.off);
    ctx.emit({ type: 'milestone.completed', source: 'psa', instance: 'psa:prod', entityType: 'milestone', entityId: id, at, refs: [setup.projectKey!], amount: m.amount, status: 'completed', attrs: { milestone: m.name } });
    // Billing needs a schedule, and a change's extra milestone needs the updated schedule.
    const billable = setup.scheduleKey !== null && (m.name !== 'Change request' || (co !== null && co.reflectedAt !== null));
    if (!billable) return ctx.fault('milestone-not-invoiced', key, at);
    const hop = syncHop(ctx, { records: [key], from: 'psa', to: 'erp', at, value: m.amount });
    if (!hop.ok || ctx.fails(BILLING_RATES.milestoneMissing)) return ctx.fault('milestone-not-invoiced', key, at);
    const late = rng.chance(BILLING_RATES.milestoneLate);
    if (late) ctx.fault('late-step', key, at);
    const invAt = afterBusinessDays(rng, hop.readyAt, late ? 6 : 0.3, late ? 15 : 4, ctx.off);
    issueInvoice(ctx, setup, ++seq, { at: invAt, expected: m.amount, items: [key], lines: 1 });
  });
}

interface Billable {
  key: string;
  approvedAt: number;
  /** What PSA says it is worth, and what the ERP bills (old rate when a change was missed). */
  amount: number;
  billed: number;
  deferred: boolean;
}

function timeAndMaterials(ctx: DealContext, setup: Setup, start: number): void {
  const rng = ctx.rng;
  const off = ctx.off;
  const n = ctx.number;
  const weeklyBurn = setup.assignments.reduce((s, a) => s + a.rate * 34, 0);
  let weeks = Math.max(3, Math.min(24, Math.round(setup.contractValue / weeklyBurn)));
  // A budget under three weeks of the team's full time is worked part-time: the weeks' hours
  // scaled to it, so the time billed stays near the estimate (before 2026-12-04 three full
  // weeks of up to four people billed a small contract up to 18 times its value).
  const load = Math.min(1, setup.contractValue / (weeklyBurn * weeks));
  const co: ChangeOrder | null = maybeChangeOrder(ctx, setup, start + weeks * 7 * DAY * rng.float(0.3, 0.6));
  const uplift = co ? 1 + rng.float(0.03, 0.08) : 1;
  // the change's value buys extra weeks of the same team (at least one, at most four)
  if (co) weeks += Math.min(rng.int(1, 4), Math.max(1, Math.round(co.value / (weeklyBurn * load))));
  const items: Billable[] = [];
  let ts = 0;
  for (let w = 0; w < weeks; w++) {
    const periodEnd = weekEnd(start + w * 7 * DAY, off);
    for (const a of setup.assignments) {
      if (rng.chance(0.06)) continue; // leave, bench week, public holiday
      const hours = Math.max(0.5, Math.round(Math.max(6, Math.min(45, rng.normal(34, 6))) * load * 2) / 2);
      const approvedAt = afterBusinessDays(rng, periodEnd, 0.1, 2.5, off);
      const afterChange = co !== null && approvedAt > co.at;
      const rate = afterChange ? Math.round(a.rate * uplift) : a.rate;
      const billRate = afterChange && (co.reflectedAt === null || co.reflectedAt > approvedAt) ? a.rate : rate;
      const id = `TS-${n}-${++ts}`;
      const amount = money(hours * rate);
      ctx.emit({ type: 'time.approved', source: 'psa', instance: 'psa:prod', entityType: 'timesheet', entityId: id, at: approvedAt, refs: [setup.projectKey!], amount, status: 'approved', periodEnd, attrs: { hours: String(hours), rate: String(rate), role: a.role } });
      items.push({ key: entityKey('psa', 'timesheet', id), approvedAt, amount, billed: money(hours * billRate), deferred: rng.chance(BILLING_RATES.timeDeferred) });
    }
    if (w % 4 === 3 && rng.chance(0.5)) {
      const id = `EX-${n}-${w + 1}`;
      const amount = money(rng.float(40, 1800) * ctx.dims.legalEntity.fx);
      const at = afterBusinessDays(rng, periodEnd, 0.5, 4, off);
      ctx.emit({ type: 'expense.approved', source: 'psa', instance: 'psa:prod', entityType: 'expense', entityId: id, at, refs: [setup.projectKey!], amount, status: 'approved', attrs: { category: rng.pick(['travel', 'lodging', 'meals', 'software']) } });
      items.push({ key: entityKey('psa', 'expense', id), approvedAt: at, amount, billed: amount, deferred: false });
    }
  }
  items.sort((a, b) => a.approvedAt - b.approvedAt);
  // Items that slip through: never exported to the ERP.
  const pending = items.filter((it) => {
    if (!ctx.fails(BILLING_RATES.timeOmitted)) return true;
    if (it.key.includes(':timesheet:')) ctx.fault('time-not-billed', it.key, it.approvedAt);
    return false;
  });
  if (!setup.scheduleKey) {
    for (const it of pending) if (it.key.includes(':timesheet:')) ctx.fault('time-not-billed', it.key, it.approvedAt);
    return;
  }
  let monthStart = nextMonthStart(start, off);
  let seq = 0;
  for (let run = 0; pending.length > 0 && run < 12; run++) {
    const runAt = afterBusinessDays(rng, monthStart, 1, 4, off);
    monthStart = nextMonthStart(monthStart + DAY, off);
    const due = pending
      .filter((it) => {
        if (it.approvedAt >= runAt) return false;
        if (!it.deferred) return true;
        it.deferred = false; // approved too late for this run's cut-off: billed next month
        return false;
      })
      .slice(0, 45);
    if (due.length === 0) continue;
    for (const it of due) pending.splice(pending.indexOf(it), 1);
    // The monthly time export PSA ▶ ERP: if it fails for good, the month's time is never billed.
    const hop = syncHop(ctx, { records: due.map((it) => it.key), from: 'psa', to: 'erp', at: runAt, value: money(due.reduce((s, it) => s + it.amount, 0)) });
    if (!hop.ok) {
      for (const it of due) if (it.key.includes(':timesheet:')) ctx.fault('time-not-billed', it.key, it.approvedAt);
      continue;
    }
    const expected = money(due.reduce((s, it) => s + it.amount, 0));
    const billed = money(due.reduce((s, it) => s + it.billed, 0));
    issueInvoice(ctx, setup, ++seq, { at: afterBusinessDays(rng, hop.readyAt, 0.05, 0.5, off), expected, billed, items: due.map((it) => it.key), lines: due.length });
  }
}

function retainer(ctx: DealContext, setup: Setup, start: number): void {
  const rng = ctx.rng;
  const months = rng.int(3, 12);
  const fee = money(setup.contractValue / months);
  const co = maybeChangeOrder(ctx, setup, start + rng.float(20, months * 20) * DAY);
  const newFee = co ? money(fee + co.value / Math.max(1, months / 2)) : fee;
  if (!setup.scheduleKey) return;
  let monthStart = nextMonthStart(start - 3 * DAY, ctx.off);
  for (let m = 0; m < months; m++) {
    const at = afterBusinessDays(rng, monthStart, 0, 2, ctx.off);
    monthStart = nextMonthStart(monthStart + DAY, ctx.off);
    const expected = co && at > co.at ? newFee : fee;
    const billed = co && co.reflectedAt !== null && at > co.reflectedAt ? newFee : fee;
    issueInvoice(ctx, setup, m + 1, { at, expected, billed, items: [setup.scheduleKey], lines: 1 });
  }
}
