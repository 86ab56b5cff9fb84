// Booked and set up (DOMAIN.md §4 stages 1-2): opportunity won ▶ quote approved ▶
// contract signed ▶ ERP sales order · PSA project · ERP billing schedule · staffing.
// Injects the set-up stuck rules: signed-not-in-erp, approved-not-provisioned,
// provisioned-not-billable (and unstaffed projects), plus hand-offs that come late.

import { entityKey } from '../../lib/events/entity-key';
import { afterBusinessDays } from './calendar';
import type { DealContext } from './emit';
import { syncHop } from './sync';
import { money, type World } from './world';

export const SETUP_RATES = {
  orderMissing: 0.01,
  orderLate: 0.08,
  projectMissing: 0.02,
  projectLate: 0.08,
  scheduleMissing: 0.012,
  scheduleLate: 0.06,
  unstaffed: 0.04,
};

export interface Assignment {
  id: string;
  role: string;
  /** Bill rate in the deal currency. */
  rate: number;
  at: number;
}

export interface Setup {
  oppKey: string;
  quoteKey: string;
  contractKey: string;
  contractValue: number;
  signedAt: number;
  salesOrderKey: string | null;
  projectKey: string | null;
  scheduleKey: string | null;
  scheduleId: string | null;
  provisionedAt: number | null;
  assignments: Assignment[];
}

function uuid(ctx: DealContext, tag: string): string {
  const h = ctx.uid(tag, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A human step: on time most often, sometimes late, sometimes never (returns null). */
function step(ctx: DealContext, at: number, normal: [number, number], late: [number, number], pLate: number, pMissing: number, key: string): number | null {
  const rng = ctx.rng;
  if (ctx.fails(pMissing)) return null;
  if (rng.chance(pLate)) {
    ctx.fault('late-step', key, at);
    return afterBusinessDays(rng, at, late[0], late[1], ctx.off);
  }
  return afterBusinessDays(rng, at, normal[0], normal[1], ctx.off);
}

export function simulateBooking(ctx: DealContext, world: World, startAt: number, value: number): Setup {
  const rng = ctx.rng;
  const le = ctx.dims.legalEntity;
  const n = ctx.number;
  const crmInstance = le.crm === 'salesforce' ? `salesforce:${le.region.toLowerCase()}` : `hubspot:${le.code.toLowerCase()}`;
  const erpInstance = erpInstanceOf(ctx);
  const oppId = `OPP-${n}`;
  const oppKey = entityKey('crm', 'opportunity', oppId);
  ctx.emit({
    type: 'opportunity.won', source: 'crm', instance: crmInstance, entityType: 'opportunity', entityId: oppId, at: startAt, amount: value, status: 'closed_won',
    attrs: { owner: ctx.dims.owner, customer_tier: ctx.dims.customer.tier, customer_id: ctx.dims.customer.id },
    payload: { name: `${ctx.dims.customer.name} – ${ctx.dims.practice}`, stage: 'Closed Won' },
  });

  const quoteAt = afterBusinessDays(rng, startAt, 0.1, 2, ctx.off);
  const quoteId = `Q-${n}`;
  const quoteKey = entityKey('cpq', 'quote', quoteId);
  const discount = rng.chance(0.3) ? rng.float(0.02, 0.12) : 0;
  const quoteValue = money(value * (1 - discount));
  ctx.emit({ type: 'quote.approved', source: 'cpq', instance: 'salesforce-cpq:prod', entityType: 'quote', entityId: quoteId, at: quoteAt, refs: [oppKey], amount: quoteValue, status: 'approved', attrs: { discount_pct: (discount * 100).toFixed(1) } });

  // The SOW is usually signed within a day of the quote's approval; some deals negotiate for
  // days (and their project, provisioned from the signature, comes late after the quote:
  // DOMAIN.md §5 measures it from the first of the two).
  const signedAt = rng.chance(0.85) ? afterBusinessDays(rng, quoteAt, 0.05, 0.8, ctx.off) : afterBusinessDays(rng, quoteAt, 1, 6, ctx.off);
  const contractId = uuid(ctx, 'envelope');
  const contractKey = entityKey('clm', 'contract', contractId);
  // Negotiation occasionally moves the final figure a little from the quote.
  const contractValue = rng.chance(0.1) ? money(quoteValue * rng.float(0.95, 1.03)) : quoteValue;
  ctx.emit({ type: 'contract.signed', source: 'clm', instance: 'docusign:prod', entityType: 'contract', entityId: contractId, at: signedAt, refs: [quoteKey, oppKey], amount: contractValue, status: 'completed', payload: { envelopeId: contractId, emailSubject: `SOW ${quoteId} for signature` } });

  const setup: Setup = { oppKey, quoteKey, contractKey, contractValue, signedAt, salesOrderKey: null, projectKey: null, scheduleKey: null, scheduleId: null, provisionedAt: null, assignments: [] };

  // ERP sales order, created through the CRM ▶ ERP integration.
  const orderHop = syncHop(ctx, { records: [oppKey], from: 'crm', to: 'erp', at: signedAt, value: contractValue });
  const orderAt = orderHop.ok ? step(ctx, orderHop.readyAt, [0.02, 0.7], [1.5, 4], SETUP_RATES.orderLate, SETUP_RATES.orderMissing, contractKey) : null;
  if (orderAt === null) ctx.fault('signed-not-in-erp', contractKey, signedAt);
  else {
    const soId = `SO-${n}`;
    setup.salesOrderKey = entityKey('erp', 'sales_order', soId);
    ctx.emit({ type: 'order.created', source: 'erp', instance: erpInstance, entityType: 'sales_order', entityId: soId, at: orderAt, refs: [oppKey, contractKey], amount: contractValue, status: 'pending_fulfillment', traceId: orderHop.traceId, spanId: orderHop.spanId });
  }

  // PSA project, provisioned from the signed contract.
  const projHop = syncHop(ctx, { records: [contractKey], from: 'clm', to: 'psa', at: signedAt, value: contractValue });
  const projAt = projHop.ok ? step(ctx, projHop.readyAt, [0.2, 1.8], [2.5, 6], SETUP_RATES.projectLate, SETUP_RATES.projectMissing, contractKey) : null;
  if (projAt === null) {
    ctx.fault('approved-not-provisioned', contractKey, signedAt);
    return setup;
  }
  const projectId = `PRJ-${n}`;
  setup.projectKey = entityKey('psa', 'project', projectId);
  setup.provisionedAt = projAt;
  ctx.emit({
    type: 'project.provisioned', source: 'psa', instance: 'psa:prod', entityType: 'project', entityId: projectId, at: projAt,
    refs: setup.salesOrderKey && rng.chance(0.5) ? [contractKey, setup.salesOrderKey] : [contractKey], status: 'active', traceId: projHop.traceId, spanId: projHop.spanId,
  });

  // Staffing: a few projects wait without anyone assigned (the PMO's other queue).
  if (!ctx.fails(SETUP_RATES.unstaffed)) {
    const count = ctx.dims.billingModel === 'retainer' ? rng.int(1, 2) : rng.int(1, 4);
    for (let k = 0; k < count; k++) {
      const role = rng.weighted(world.roles.map((r, i) => [r, [1, 3, 5, 5, 3][i]] as const));
      const id = `RA-${n}-${k + 1}`;
      const at = afterBusinessDays(rng, projAt, 0.1, 3, ctx.off);
      const rate = Math.round((role.usdRate * le.fx) / 5) * 5;
      setup.assignments.push({ id, role: role.name, rate, at });
      ctx.emit({ type: 'resource.assigned', source: 'psa', instance: 'psa:prod', entityType: 'assignment', entityId: id, at, refs: [setup.projectKey], status: 'assigned', attrs: { role: role.name, rate: String(rate) } });
    }
  }

  // ERP billing schedule: needs the sales order and the project.
  if (!setup.salesOrderKey) {
    ctx.fault('provisioned-not-billable', setup.projectKey, projAt);
    return setup;
  }
  const bsHop = syncHop(ctx, { records: [setup.projectKey], from: 'psa', to: 'erp', at: projAt, value: contractValue });
  const bsAt = bsHop.ok ? step(ctx, bsHop.readyAt, [0.3, 2.5], [3.5, 8], SETUP_RATES.scheduleLate, SETUP_RATES.scheduleMissing, setup.projectKey) : null;
  if (bsAt === null) {
    ctx.fault('provisioned-not-billable', setup.projectKey, projAt);
    return setup;
  }
  setup.scheduleId = `BS-${n}`;
  setup.scheduleKey = entityKey('erp', 'billing_schedule', setup.scheduleId);
  ctx.emit({ type: 'billing_schedule.created', source: 'erp', instance: erpInstance, entityType: 'billing_schedule', entityId: setup.scheduleId, at: bsAt, refs: [setup.salesOrderKey, setup.projectKey], amount: contractValue, status: 'active', traceId: bsHop.traceId, spanId: bsHop.spanId });
  return setup;
}

export function erpInstanceOf(ctx: DealContext): string {
  const le = ctx.dims.legalEntity;
  return `${le.erp}:${le.code.toLowerCase()}`;
}
