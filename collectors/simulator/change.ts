// Changed (DOMAIN.md §4 stage 6): a change order approved in CPQ should be reflected by
// a contract amendment and an updated billing schedule. Most are; some late; some never
// (change-not-reflected), and then billing keeps using the old figures.

import { entityKey } from '../../lib/events/entity-key';
import { afterBusinessDays } from './calendar';
import { erpInstanceOf, type Setup } from './booking';
import type { DealContext } from './emit';
import { syncHop } from './sync';
import { money } from './world';

export const CHANGE_RATES = { changeOrder: 0.14, missing: 0.2, late: 0.1 };

export interface ChangeOrder {
  key: string;
  at: number;
  value: number;
  /** When billing reflects it (billing_schedule.updated), or null when it never does. */
  reflectedAt: number | null;
}

export function maybeChangeOrder(ctx: DealContext, setup: Setup, at: number): ChangeOrder | null {
  const rng = ctx.rng;
  if (!rng.chance(CHANGE_RATES.changeOrder)) return null;
  const n = ctx.number;
  const id = `CO-${n}-1`;
  const key = entityKey('cpq', 'change_order', id);
  const value = money(Math.round((setup.contractValue * rng.float(0.05, 0.25)) / 100) * 100);
  ctx.emit({ type: 'change_order.approved', source: 'cpq', instance: 'salesforce-cpq:prod', entityType: 'change_order', entityId: id, at, refs: [setup.quoteKey, setup.contractKey], amount: value, status: 'approved', attrs: { reason: rng.pick(['scope_extension', 'additional_workstream', 'timeline_extension']) } });
  if (ctx.fails(CHANGE_RATES.missing)) {
    ctx.fault('change-not-reflected', key, at);
    return { key, at, value, reflectedAt: null };
  }
  const late = rng.chance(CHANGE_RATES.late);
  if (late) ctx.fault('late-step', key, at);
  const amendedAt = afterBusinessDays(rng, at, late ? 3 : 0.2, late ? 8 : 1.8, ctx.off);
  const newValue = money(setup.contractValue + value);
  ctx.emit({ type: 'contract.amended', source: 'clm', instance: 'docusign:prod', entityType: 'amendment', entityId: `AM-${n}-1`, at: amendedAt, refs: [setup.contractKey, key], amount: newValue, status: 'completed' });
  if (!setup.scheduleId) return { key, at, value, reflectedAt: null };
  const hop = syncHop(ctx, { records: [key], from: 'cpq', to: 'erp', at: amendedAt, value });
  if (!hop.ok) {
    ctx.fault('change-not-reflected', key, at);
    return { key, at, value, reflectedAt: null };
  }
  const updatedAt = afterBusinessDays(rng, hop.readyAt, 0.05, 1, ctx.off);
  ctx.emit({ type: 'billing_schedule.updated', source: 'erp', instance: erpInstanceOf(ctx), entityType: 'billing_schedule', entityId: setup.scheduleId, at: updatedAt, refs: [key], amount: newValue, status: 'updated', traceId: hop.traceId, spanId: hop.spanId });
  return { key, at, value, reflectedAt: updatedAt };
}
