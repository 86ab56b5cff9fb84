// Leakage findings that are not clocks (DOMAIN.md §7): invoices whose amount differs from
// the delivery they bill, and credit memos caused by integration failures; and the
// receivables behind DSO (each invoice, and each payment or credit referring to it), the
// first delivery on a deal after each of its change orders (leakage), and each booked deal's
// money per step (the cash waterfall's cohort). Like clocks they
// are per deal (an invoice and the milestones it bills are stitched into one deal), so the
// snapshot keeps them too (rows of clock_intervals under the finding's id, with `detail`),
// refreshed with the deals the writer touched. This file is their one definition: the
// snapshot is built from it, and leakage reads it directly until the snapshot is built.

import { sql, param, type Sql } from '../clickhouse/sql';
import { toReporting } from '../money/rates';

/** The end of an interval still open, and of a finding not settled (clock_intervals.end_at). */
export const OPEN_END = new Date('2200-01-01T00:00:00Z');
/** OPEN_END as a query parameter. */
export const OPEN_END_SQL = sql`${param("DateTime64(3, 'UTC')", OPEN_END)}`;

export const FINDINGS = ['invoice_mismatch', 'integration_credits', 'receivables', 'change_deliveries', 'invoice_exceptions', 'traceability', 'cohort'] as const;

/** An invoice with one of these (on itself or referring to it) counts as an exception (KPI invoice_exception_rate). */
export const EXCEPTION_TYPES = ['invoice.disputed', 'credit_memo.issued'];
export type FindingKind = (typeof FINDINGS)[number];

export interface FindingSource {
  /** event_facts, or the touched deals' events shaped like it. */
  facts: Sql;
  /** event_refs, or the touched deals' references shaped like it. */
  refs: Sql;
  /** Condition on the start events (invoices, credit memos): deal, time window, `now`. */
  where: Sql;
  /** Upper bound on the events they are compared with. */
  now: Sql;
}

/**
 * correlation_id, entity_key, at, anchor, amount, currency, detail and settled_at of every
 * finding of one kind. `at` is when the finding's record started (time windows and `now`
 * apply to it); `anchor`, when its amount counts (`now` applies to it too): the same except
 * for receivables. `settled_at` (the snapshot's end_at): from when the record adds nothing to
 * sums any more — a receivable's settlement, OPEN_END for the others.
 */
export function findingSql(kind: FindingKind, s: FindingSource): Sql {
  const rows = findingRowsSql(kind, s);
  return kind === 'receivables' ? rows : sql`SELECT *, ${OPEN_END_SQL} AS settled_at FROM (${rows})`;
}

function findingRowsSql(kind: FindingKind, s: FindingSource): Sql {
  if (kind === 'receivables') {
    // Invoices (at = anchor = issued; the first issue's amount) and the payments and credits
    // referring to them (at = the invoice's issue, anchor = the payment's time), each in its
    // own currency: DSO's open receivables at a date are sums over these, without a join.
    const invoices = sql`SELECT any(correlation_id) AS cid, entity_key AS key, min(occurred_at) AS inv_at,
        toFloat64(argMin(ifNull(amount, 0), occurred_at)) AS inv_amount, argMin(toString(currency), occurred_at) AS inv_currency
      FROM ${s.facts} WHERE type = 'invoice.issued' AND ${s.where} GROUP BY entity_key`;
    // settled_at: when an invoice's rows net to zero in the reporting currency, its last
    // anchor (it adds nothing to open receivables from then on: DSO skips it by the key), else
    // the far future.
    return sql`SELECT *, if(round(sum(if(detail = 'invoice', v, -v)) OVER inv, 2) = 0, max(anchor) OVER inv, ${OPEN_END_SQL}) AS settled_at
      FROM (SELECT *, ${toReporting(sql`amount`, sql`currency`)} AS v FROM (
        SELECT cid AS correlation_id, key AS entity_key, inv_at AS at, inv_at AS anchor, inv_amount AS amount,
          inv_currency AS currency, 'invoice' AS detail FROM (${invoices})
        UNION ALL
        SELECT i.cid AS correlation_id, i.key AS entity_key, i.inv_at AS at, p.occurred_at AS anchor, toFloat64(ifNull(p.amount, 0)) AS amount,
          toString(p.currency) AS currency, 'payment' AS detail
        FROM (${invoices}) AS i
        INNER JOIN (SELECT ref, occurred_at, amount, currency FROM ${s.refs}
          WHERE type IN ('payment.received', 'credit_memo.issued') AND occurred_at <= ${s.now}) AS p ON p.ref = i.key))
      WINDOW inv AS (PARTITION BY entity_key)`;
  }
  if (kind === 'invoice_exceptions') {
    // Each invoice (at = anchor = its first issue) and, when it has one, its first exception
    // (a dispute or credit memo on it or referring to it; at = the invoice's issue, anchor =
    // the exception's time): the exception rate over a window is a count of each, no join.
    const invoices = sql`SELECT any(correlation_id) AS cid, entity_key AS key, min(occurred_at) AS inv_at
      FROM ${s.facts} WHERE type = 'invoice.issued' AND ${s.where} GROUP BY entity_key`;
    return sql`SELECT cid AS correlation_id, key AS entity_key, inv_at AS at, inv_at AS anchor, toFloat64(0) AS amount,
        '' AS currency, 'invoice' AS detail FROM (${invoices})
      UNION ALL
      SELECT any(i.cid) AS correlation_id, i.key AS entity_key, any(i.inv_at) AS at, min(x.occurred_at) AS anchor, toFloat64(0) AS amount,
        '' AS currency, 'exception' AS detail
      FROM (${invoices}) AS i
      INNER JOIN (SELECT entity_key AS k, occurred_at FROM ${s.facts} WHERE type IN ${EXCEPTION_TYPES} AND occurred_at <= ${s.now}
        UNION ALL SELECT ref AS k, occurred_at FROM ${s.refs} WHERE type IN ${EXCEPTION_TYPES} AND occurred_at <= ${s.now}) AS x ON x.k = i.key
      GROUP BY i.key`;
  }
  if (kind === 'traceability') {
    // One row per deal (at = anchor = its first event): amount 1 when its journey can be
    // traced end to end, 0 when a step shows up without the step it follows from (provisioned
    // without a contract or quote, a billing schedule without an order, an invoice without an
    // order or a project, a payment without an invoice, cash applied without a payment). The
    // window and deal conditions apply to the deal's first event; its steps are all its events.
    const has = (...types: string[]) => sql`countIf(type IN ${types}) > 0`;
    return sql`SELECT correlation_id, '' AS entity_key, occurred_at AS at, occurred_at AS anchor,
        toFloat64(NOT ((provisioned AND NOT contract AND NOT quote) OR (schedule AND NOT ordered)
          OR (invoiced AND NOT ordered AND NOT provisioned) OR (paid AND NOT invoiced) OR (applied AND NOT paid))) AS amount,
        '' AS currency, '' AS detail
      FROM (SELECT correlation_id, min(occurred_at) AS occurred_at, ${has('project.provisioned')} AS provisioned,
          ${has('contract.signed')} AS contract, ${has('quote.approved')} AS quote, ${has('billing_schedule.created')} AS schedule,
          ${has('order.created')} AS ordered, ${has('invoice.issued')} AS invoiced, ${has('payment.received')} AS paid,
          ${has('cash.applied')} AS applied
        FROM ${s.facts} WHERE correlation_id != '' GROUP BY correlation_id)
      WHERE ${s.where}`;
  }
  if (kind === 'cohort') {
    // Each deal with a contract signature (at: its first): one row per step of the cash
    // waterfall with the deal's money there, in its currency (booked: the contract's value,
    // else the quote's; provisioned: the same, anchor = the first provisioning, so it counts
    // once that is before `now`; delivered, invoiced, collected: sums of those events), and
    // quote-to-cash in days (amount; first quote approval to first payment) when it has both.
    // Money steps other than booked only when not zero. The waterfall and its breakdowns
    // (getKpis) then sum rows by dimension instead of grouping deal_summary by deal at every
    // read (117–146 ms at 9.7M events; these rows 50).
    const first = (type: string) => sql`minIf(toNullable(occurred_at), type = ${type})`;
    const total = (types: string[]) => sql`toFloat64(sumIf(ifNull(amount, 0), type IN ${types}))`;
    return sql`SELECT correlation_id, '' AS entity_key, occurred_at AS at, if(step.1 = 'provisioned', assumeNotNull(provisioned_at), occurred_at) AS anchor,
        step.2 AS amount, currency, step.1 AS detail
      -- occurred_at (the first signature, what s.where filters on) is named outside the
      -- GROUP BY: inside, the alias would shadow the column the other aggregates read
      FROM (SELECT *, signed_at AS occurred_at FROM (SELECT correlation_id, assumeNotNull(${first('contract.signed')}) AS signed_at, ${first('project.provisioned')} AS provisioned_at,
          maxIf(toString(currency), type IN ('quote.approved', 'contract.signed', 'opportunity.won')) AS currency,
          toFloat64(ifNull(ifNull(maxIf(amount, type = 'contract.signed'), maxIf(amount, type = 'quote.approved')), 0)) AS booked,
          dateDiff('second', ${first('quote.approved')}, ${first('payment.received')}) / 86400 AS q2c_days,
          [('booked', booked), ('provisioned', if(provisioned_at IS NULL, 0, booked)),
           ('delivered', ${total(['milestone.completed', 'time.approved', 'expense.approved'])}),
           ('invoiced', ${total(['invoice.issued'])}), ('collected', ${total(['payment.received'])}),
           ('q2c', ifNull(q2c_days, nan))] AS steps
        FROM ${s.facts} WHERE correlation_id != '' GROUP BY correlation_id HAVING countIf(type = 'contract.signed') > 0))
      ARRAY JOIN arrayFilter(x -> x.1 = 'booked' OR (x.1 = 'q2c' AND NOT isNaN(x.2)) OR (x.1 NOT IN ('booked', 'q2c') AND x.2 != 0), steps) AS step
      WHERE ${s.where}`;
  }
  if (kind === 'change_deliveries') {
    // Each change order (at: its first approval) and the first delivery on its deal after it
    // (anchor): "delivery carried on after the change, up to now" is anchor <= now, without
    // reading every delivery of those deals at query time.
    return sql`SELECT c.cid AS correlation_id, c.key AS entity_key, c.at AS at, min(d.occurred_at) AS anchor, toFloat64(0) AS amount,
        '' AS currency, '' AS detail
      FROM (SELECT any(correlation_id) AS cid, entity_key AS key, min(occurred_at) AS at FROM ${s.facts}
        WHERE type = 'change_order.approved' AND ${s.where} GROUP BY entity_key) AS c
      INNER JOIN (SELECT correlation_id, occurred_at FROM ${s.facts}
        WHERE type IN ('milestone.completed', 'time.approved', 'expense.approved') AND occurred_at <= ${s.now}) AS d ON d.correlation_id = c.cid
      WHERE d.occurred_at > c.at
      GROUP BY c.cid, c.key, c.at`;
  }
  if (kind === 'invoice_mismatch') {
    // invoices whose total differs from the delivery (milestones, timesheets) they bill; the
    // detail names both amounts in cents (toString would print 107510.5)
    return sql`SELECT inv_cid AS correlation_id, inv_key AS entity_key, inv_at AS at, inv_at AS anchor,
        abs(expected - inv_amount) AS amount, inv_currency AS currency,
        concat('invoiced ', toDecimalString(inv_amount, 2), ', delivered ', toDecimalString(expected, 2)) AS detail
      FROM (
        SELECT i.inv_key, any(i.inv_cid) AS inv_cid, any(i.inv_at) AS inv_at, any(i.inv_amount) AS inv_amount,
          any(i.inv_currency) AS inv_currency, sum(dv.d_amount) AS expected, count() AS matched, any(i.n_refs) AS n_refs
        FROM (SELECT entity_key AS inv_key, correlation_id AS inv_cid, occurred_at AS inv_at, toFloat64(ifNull(amount, 0)) AS inv_amount,
                toString(currency) AS inv_currency, arrayFilter(r -> startsWith(r, 'psa:milestone:') OR startsWith(r, 'psa:timesheet:'), refs) AS drefs,
                length(drefs) AS n_refs
              FROM ${s.facts} WHERE type = 'invoice.issued' AND ${s.where}) AS i
        ARRAY JOIN i.drefs AS dref
        INNER JOIN (SELECT entity_key AS d_key, toFloat64(argMin(ifNull(amount, 0), occurred_at)) AS d_amount FROM ${s.facts}
              WHERE type IN ('milestone.completed', 'time.approved') AND occurred_at <= ${s.now} GROUP BY entity_key) AS dv ON dv.d_key = dref
        GROUP BY i.inv_key)
      WHERE matched = n_refs AND round(expected, 2) != round(inv_amount, 2)`;
  }
  // credit memos that trace back to an integration failure (reason, or a failed sync of the invoice)
  return sql`SELECT correlation_id, entity_key, occurred_at AS at, occurred_at AS anchor, toFloat64(ifNull(amount, 0)) AS amount,
      toString(currency) AS currency, concat('credit on ', ref1, ' (', toString(reason), ')') AS detail
    FROM ${s.facts} WHERE type = 'credit_memo.issued' AND ${s.where}
      AND (reason = 'integration_error'
        OR ref1 IN (SELECT ref1 FROM ${s.facts} WHERE type = 'sync.failed' AND occurred_at <= ${s.now}))`;
}
