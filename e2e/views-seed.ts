// Extra e2e data for the operational views, dated relative to now (the shared fixture deals
// are from early 2026, outside the default windows): three deals with an overdue invoice, a
// partly paid one, an unbilled milestone and approvals without a project. Sent through the
// real ingest endpoint; event ids are stable, so seeding twice is harmless.

import { expect, type APIRequestContext } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from './env';
import { ingestAccepted } from './ingest';

const DAY = 86_400_000;

function at(daysAgo: number, hour = 10): string {
  const d = new Date(Date.now() - daysAgo * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
}

type Ev = Record<string, unknown>;
const ev = (id: string, type: string, source: string, entity_type: string, entity_id: string, daysAgo: number, extra: Ev = {}): Ev => ({
  event_id: `e2ev-${id}`, type, source, entity_type, entity_id, occurred_at: at(daysAgo), ...extra,
});
const dims = (customer: string, region: string, legal_entity: string, billing_model: string) => ({
  customer, region, practice: 'Advisory', legal_entity, billing_model, owner: 'e2e', customer_tier: 'enterprise',
});

export const VIEW_CUSTOMERS = { v1: 'Vandelay Industries', v2: 'Pendant Publishing', v3: 'Kramerica' };

export function viewEvents(): Ev[] {
  return [
    ev('v1-won', 'opportunity.won', 'crm', 'opportunity', 'OPP-V1', 60, { amount: 90000, currency: 'EUR', attributes: dims(VIEW_CUSTOMERS.v1, 'EMEA', 'DE01', 'milestone') }),
    ev('v1-q', 'quote.approved', 'cpq', 'quote', 'Q-V1', 59, { refs: ['crm:opportunity:OPP-V1'], amount: 90000, currency: 'EUR' }),
    ev('v1-c', 'contract.signed', 'clm', 'contract', 'CTR-V1', 58, { refs: ['cpq:quote:Q-V1'], amount: 90000, currency: 'EUR' }),
    ev('v1-so', 'order.created', 'erp', 'sales_order', 'SO-V1', 58, { refs: ['clm:contract:CTR-V1'], amount: 90000, currency: 'EUR' }),
    ev('v1-p', 'project.provisioned', 'psa', 'project', 'PRJ-V1', 57, { refs: ['clm:contract:CTR-V1'] }),
    ev('v1-bs', 'billing_schedule.created', 'erp', 'billing_schedule', 'BS-V1', 57, { refs: ['erp:sales_order:SO-V1', 'psa:project:PRJ-V1'], amount: 90000, currency: 'EUR' }),
    ev('v1-ms2', 'milestone.completed', 'psa', 'milestone', 'MS-V2', 50, { refs: ['psa:project:PRJ-V1'], amount: 30000, currency: 'EUR' }),
    ev('v1-inv', 'invoice.issued', 'erp', 'invoice', 'INV-V1', 48, { refs: ['erp:sales_order:SO-V1', 'psa:milestone:MS-V2'], amount: 30000, currency: 'EUR', due_at: at(18, 0) }),
    ev('v1-ms1', 'milestone.completed', 'psa', 'milestone', 'MS-V1', 40, { refs: ['psa:project:PRJ-V1'], amount: 25000, currency: 'EUR' }),
    ev('v2-won', 'opportunity.won', 'crm', 'opportunity', 'OPP-V2', 30, { amount: 40000, currency: 'USD', attributes: dims(VIEW_CUSTOMERS.v2, 'NA', 'US01', 'time_and_materials') }),
    ev('v2-q', 'quote.approved', 'cpq', 'quote', 'Q-V2', 29, { refs: ['crm:opportunity:OPP-V2'], amount: 40000, currency: 'USD' }),
    ev('v2-c', 'contract.signed', 'clm', 'contract', 'CTR-V2', 28, { refs: ['cpq:quote:Q-V2'], amount: 40000, currency: 'USD' }),
    ev('v2-so', 'order.created', 'erp', 'sales_order', 'SO-V2', 27, { refs: ['clm:contract:CTR-V2'], amount: 40000, currency: 'USD' }),
    ev('v2-inv', 'invoice.issued', 'erp', 'invoice', 'INV-V2', 25, { refs: ['erp:sales_order:SO-V2'], amount: 12000, currency: 'USD', due_at: at(5, 0) }),
    ev('v2-pay', 'payment.received', 'payments', 'payment', 'PAY-V2', 6, { refs: ['erp:invoice:INV-V2'], amount: 2000, currency: 'USD' }),
    ev('v3-won', 'opportunity.won', 'crm', 'opportunity', 'OPP-V3', 20, { amount: 8000, currency: 'GBP', attributes: dims(VIEW_CUSTOMERS.v3, 'EMEA', 'UK01', 'fixed_fee') }),
    ev('v3-q', 'quote.approved', 'cpq', 'quote', 'Q-V3', 20, { refs: ['crm:opportunity:OPP-V3'], amount: 8000, currency: 'GBP' }),
  ];
}

export async function seedViews(request: APIRequestContext): Promise<void> {
  await ingestAccepted(request, viewEvents());
  await expect
    .poll(async () => {
      const r = await request.get('/api/stuck?rule=invoice-not-collected&q=INV-V', { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
      return r.ok() ? ((await r.json()) as { total: number }).total : -1;
    })
    .toBe(2);
}
