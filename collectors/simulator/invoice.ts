// Billed and collected (DOMAIN.md §4 stages 4-5): an invoice with its due date, then the
// customer's payment (most around the due date, habitual late payers later, a few never),
// disputes, failed card payments, partial payments, credit memos, and the ERP's cash
// application. Injects invoice-not-collected, payment-not-applied, amount mismatches and
// credit memos caused by integration errors.

import { entityKey } from '../../lib/events/entity-key';
import type { CanonicalEvent } from '../../lib/events/schema';
import { DAY, afterBusinessDays, afterMinutes, nextOpen } from './calendar';
import type { DealContext } from './emit';
import { erpInstanceOf, type Setup } from './booking';
import { syncHop } from './sync';
import { money } from './world';

export const COLLECTION_RATES = {
  neverPaid: 0.035,
  disputed: 0.03,
  partial: 0.03,
  paymentFailed: 0.04,
  cashMissing: 0.03,
  cashLate: 0.06,
  mismatch: 0.03,
  outOfOrder: 0.01,
};

export interface InvoiceSpec {
  at: number;
  /** What the contract, milestone or approved time says should be billed. */
  expected: number;
  /** What the ERP actually bills (differs when billing was not updated after a change). */
  billed?: number;
  /** Entity keys of the billed delivery items (milestones, timesheets, expenses). */
  items: string[];
  lines: number;
}

export function issueInvoice(ctx: DealContext, setup: Setup, seq: number, spec: InvoiceSpec): CanonicalEvent {
  const rng = ctx.rng;
  const id = `INV-${ctx.number}-${seq}`;
  const key = entityKey('erp', 'invoice', id);
  let amount = money(spec.billed ?? spec.expected);
  if (ctx.fails(COLLECTION_RATES.mismatch)) {
    // A rate table or tax mapping out of step between systems: the total is off.
    amount = money(amount * (1 + (rng.chance(0.6) ? 1 : -1) * rng.float(0.02, 0.12)));
  }
  if (Math.abs(amount - spec.expected) >= 0.01) ctx.fault('amount-mismatch', key, spec.at);
  const net = ctx.dims.legalEntity.netDays[ctx.dims.customer.tier];
  const dueAt = spec.at + net * DAY;
  const refs = [...(setup.salesOrderKey ? [setup.salesOrderKey] : []), ...spec.items].slice(0, 50);
  const ev = ctx.emit({
    type: 'invoice.issued', source: 'erp', instance: erpInstanceOf(ctx), entityType: 'invoice', entityId: id, at: spec.at, refs, amount, dueAt, status: 'open',
    attrs: { terms: `net${net}`, lines: String(spec.lines), expected_amount: spec.expected.toFixed(2) },
    payload: { DocNumber: id, TotalAmt: amount, DueDate: new Date(dueAt).toISOString().slice(0, 10), Line: spec.lines },
  });
  collect(ctx, key, id, spec.at, dueAt, amount, amount - spec.expected, ev);
  return ev;
}

function creditMemo(ctx: DealContext, invoiceKey: string, at: number, amount: number, reason: string, seq: string): void {
  const id = `CM-${ctx.number}-${seq}`;
  ctx.emit({ type: 'credit_memo.issued', source: 'erp', instance: erpInstanceOf(ctx), entityType: 'credit_memo', entityId: id, at, refs: [invoiceKey], amount: money(amount), status: 'posted', attrs: { reason } });
  if (reason === 'integration_error') ctx.fault('credit-integration-error', invoiceKey, at);
}

function collect(ctx: DealContext, invoiceKey: string, invoiceId: string, issuedAt: number, dueAt: number, amount: number, overBilled: number, invoiceEvent: CanonicalEvent): void {
  const rng = ctx.rng;
  const off = ctx.off;
  let open = amount;
  let earliest = issuedAt + DAY;

  if (overBilled >= 0.01 && rng.chance(0.5)) {
    // The customer spots the over-billing; finance issues a credit memo, traced to the integration.
    const at = afterBusinessDays(rng, issuedAt, 3, 15, off);
    creditMemo(ctx, invoiceKey, at, overBilled, 'integration_error', `${invoiceId.slice(-2)}i`);
    open = money(open - overBilled);
    earliest = at;
  }

  if (rng.chance(COLLECTION_RATES.disputed)) {
    const at = afterBusinessDays(rng, issuedAt, 2, 12, off);
    const disputed = money(open * rng.float(0.2, 1));
    ctx.emit({ type: 'invoice.disputed', source: 'erp', instance: erpInstanceOf(ctx), entityType: 'invoice', entityId: invoiceId, at, amount: disputed, status: 'disputed', attrs: { reason: rng.pick(['rate_disagreement', 'scope', 'missing_po', 'quality']) } });
    ctx.fault('dispute', invoiceKey, at);
    if (rng.chance(0.4)) {
      ctx.fault('invoice-not-collected', invoiceKey, dueAt);
      return;
    }
    const cmAt = afterBusinessDays(rng, at, 8, 30, off);
    creditMemo(ctx, invoiceKey, cmAt, disputed, rng.pick(['pricing', 'service']), `${invoiceId.slice(-2)}d`);
    open = money(open - disputed);
    earliest = cmAt;
    if (open < 0.01) return;
  }

  if (ctx.fails(COLLECTION_RATES.neverPaid)) {
    ctx.fault('invoice-not-collected', invoiceKey, dueAt);
    return;
  }
  const late = rng.chance(ctx.dims.customer.latePayer);
  const u = rng.next();
  let payAt = late ? dueAt + (5 + 75 * u * u) * DAY : dueAt + rng.normal(-4, 4) * DAY;
  if (late) ctx.fault('payment-late', invoiceKey, payAt);
  payAt = Math.max(payAt, earliest + rng.float(0.5, 3) * DAY);

  const tier = ctx.dims.customer.tier;
  const byCard = rng.chance(tier === 'smb' ? 0.7 : tier === 'mid_market' ? 0.4 : 0.1);
  if (!byCard) payAt = nextOpen(payAt, off);

  const payments: { at: number; amount: number }[] = [];
  if (rng.chance(COLLECTION_RATES.partial)) {
    const first = money(open * rng.float(0.4, 0.8));
    payments.push({ at: payAt, amount: first });
    if (rng.chance(0.7)) payments.push({ at: payAt + rng.float(10, 40) * DAY, amount: money(open - first) });
    else ctx.fault('invoice-not-collected', invoiceKey, dueAt);
  } else payments.push({ at: payAt, amount: open });

  payments.forEach((p, k) => {
    const id = byCard ? `pi_${ctx.uid(`${invoiceId}:pay:${k}`, 24)}` : `PAY-${invoiceId.slice(4)}-${k + 1}`;
    const instance = byCard ? 'stripe:acct_main' : `bank:${ctx.dims.legalEntity.code.toLowerCase()}`;
    const key = entityKey('payments', 'payment', id);
    let at = p.at;
    if (byCard && rng.chance(COLLECTION_RATES.paymentFailed)) {
      ctx.emit({ type: 'payment.failed', source: 'payments', instance, entityType: 'payment', entityId: id, at, refs: [invoiceKey], amount: p.amount, status: rng.pick(['card_declined', 'insufficient_funds', 'expired_card', 'processing_error']) });
      ctx.fault('payment-failed', key, at);
      at += rng.float(2, 7) * DAY;
    }
    const pay = ctx.emit({ type: 'payment.received', source: 'payments', instance, entityType: 'payment', entityId: id, at, refs: [invoiceKey], amount: p.amount, status: 'succeeded', attrs: { method: byCard ? 'card' : 'bank_transfer' } });
    if (k === 0 && rng.chance(COLLECTION_RATES.outOfOrder)) ctx.deliverAfter(invoiceEvent, pay);

    const hop = syncHop(ctx, { records: [key], from: 'payments', to: 'erp', at, value: p.amount });
    if (!hop.ok || ctx.fails(COLLECTION_RATES.cashMissing)) {
      ctx.fault('payment-not-applied', key, at);
      return;
    }
    const lateApply = rng.chance(COLLECTION_RATES.cashLate);
    if (lateApply) ctx.fault('late-step', key, at);
    const appliedAt = lateApply ? afterBusinessDays(rng, hop.readyAt, 1.5, 5, off) : afterBusinessDays(rng, afterMinutes(rng, hop.readyAt, 1, 30), 0.02, 0.9, off);
    ctx.emit({
      type: 'cash.applied', source: 'erp', instance: erpInstanceOf(ctx), entityType: 'cash_application', entityId: `CA-${id.replace(/^pi_/, '').slice(0, 16)}`, at: appliedAt,
      refs: [key, invoiceKey], amount: p.amount, status: 'applied', traceId: hop.traceId, spanId: hop.spanId,
    });
  });
}
