// The shape shared by stuck rules and SLA policies: a clock that starts at one event
// and stops at another, and how long it may run.

import { z } from 'zod';
import { EVENT_TYPES } from '../events/catalogue';

export const MATCH_MODES = ['deal', 'record', 'invoice-paid', 'sync-recovery'] as const;
export const ANCHORS = ['occurred_at', 'period_end', 'due_at'] as const;
export const TIME_UNITS = ['business', 'calendar'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export const intervalSpecSchema = z.object({
  /** Any of these starts the clock. */
  start_events: z.array(z.enum(EVENT_TYPES)).min(1, 'choose at least one start event').max(5),
  /** Any of these stops it. */
  end_events: z.array(z.enum(EVENT_TYPES)).min(1, 'choose at least one end event').max(5),
  /**
   * deal: the first end event of the same deal; record: an end event that refers to the start
   * record; invoice-paid: payments and credits referring to the invoice reach its amount;
   * sync-recovery: a later sync.succeeded for the same record and target.
   */
  match: z.enum(MATCH_MODES),
  /** Which timestamp of the start event the clock runs from. */
  anchor: z.enum(ANCHORS),
  threshold_hours: z.number().min(0, 'threshold must not be negative').max(24 * 366, 'threshold must be at most a year'),
  unit: z.enum(TIME_UNITS),
});
export type IntervalSpec = z.infer<typeof intervalSpecSchema>;
