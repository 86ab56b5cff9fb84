// A deal's path: the expected steps in the order each first happened, built in ClickHouse
// from deal_summary's first time of each step (GROUP BY correlation_id). The variants view
// groups deals by it; the deals list filters on it (a variant's drill-down).
// Repeats collapse (a path lists each step where it first happened), and delivery is one
// step: milestone.completed, or time.approved for time-and-materials and retainers.

import { z } from 'zod';
import { sql } from '../clickhouse/sql';
import { EXPECTED_PATH } from '../events/stages';

/** The step types a path can hold: those of the billing models' expected paths (STEP_TIMES builds a path of them). */
export const PATH_STEPS: readonly string[] = [...new Set(Object.values(EXPECTED_PATH).flat())];

// (first time, path position, type) per expected step; the position breaks ties in path order.
const STEP_TIMES = sql`[
  (min(won_at), 1, 'opportunity.won'),
  (min(quote_approved_at), 2, 'quote.approved'),
  (min(contract_signed_at), 3, 'contract.signed'),
  (min(order_created_at), 4, 'order.created'),
  (min(provisioned_at), 5, 'project.provisioned'),
  (min(billing_schedule_at), 6, 'billing_schedule.created'),
  (min(staffed_at), 7, 'resource.assigned'),
  (min(first_delivery_at), 8, if(max(billing_model) IN ('time_and_materials', 'retainer'), 'time.approved', 'milestone.completed')),
  (min(first_invoice_at), 9, 'invoice.issued'),
  (min(first_payment_at), 10, 'payment.received'),
  (min(first_cash_applied_at), 11, 'cash.applied')]`;

/** The deal's path (Array(String)); an aggregate over deal_summary grouped by correlation_id. */
export const DEAL_PATH_EXPR = sql`arrayMap(s -> s.3, arraySort(s -> (s.1, s.2), arrayFilter(s -> s.1 IS NOT NULL, ${STEP_TIMES})))`;

/**
 * A path in a URL: its steps joined by commas (`opportunity.won,quote.approved`), each step
 * at most once — as the variants view links it.
 */
export const pathParamSchema = z
  .string()
  .trim()
  .max(600)
  .transform((s, ctx) => {
    const steps = s.split(',').map((x) => x.trim());
    const unknown = steps.filter((x) => !PATH_STEPS.includes(x));
    if (unknown.length) {
      ctx.addIssue({ code: 'custom', message: `unknown path step(s): ${unknown.map((u) => JSON.stringify(u.slice(0, 40))).join(', ')}; a path lists steps of ${PATH_STEPS.join(', ')} joined by commas` });
      return z.NEVER;
    }
    if (new Set(steps).size !== steps.length) {
      ctx.addIssue({ code: 'custom', message: 'a path lists each step once (where it first happened)' });
      return z.NEVER;
    }
    return steps;
  });

/** The path as the URL parameter pathParamSchema reads. */
export const pathParam = (path: readonly string[]): string => path.join(',');
