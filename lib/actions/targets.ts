// Where a command goes: the target system a stuck item is re-synced to (per stuck rule),
// and, for a retry without a target, the target of the record's last failed sync.

import { z } from 'zod';
import { sql } from '../clickhouse/sql';
import type { Store } from '../clickhouse/client';
import type { Source } from '../events/catalogue';
import { UNSTAFFED_QUEUE } from '../stuck/unstaffed';
import { policyEndSystem } from '../contracts/sla';

/** The system whose missing record makes an item of this rule stuck (docs/actions-ui.md). */
export const RESYNC_TARGET: Record<string, Source | null> = {
  'approved-not-provisioned': 'psa',
  'signed-not-in-erp': 'erp',
  'provisioned-not-billable': 'erp',
  'milestone-not-invoiced': 'erp',
  'time-not-billed': 'erp',
  'change-not-reflected': 'erp',
  'payment-not-applied': 'erp',
  // an overdue invoice waits for the customer, not for a system
  'invoice-not-collected': null,
  // a failed sync is retried to its own flow's target (see lastFailedTarget)
  'sync-failed-unrecovered': null,
  // an unstaffed project (PMO's list, lib/stuck/unstaffed) waits for the PSA's assignment
  [UNSTAFFED_QUEUE]: 'psa',
};

/**
 * Where an open breach of `policy` is re-synced to: a stuck rule's policy its queue's target;
 * another the one system its end events come from (not the middleware: a failed sync is
 * retried, not re-synced); null for none.
 */
export function breachResyncTarget(policy: { id: string; end_events: readonly string[] }): Source | null {
  if (policy.id in RESYNC_TARGET) return RESYNC_TARGET[policy.id];
  const system = policyEndSystem(policy);
  return system === 'middleware' ? null : system;
}

export async function lastFailedTarget(store: Store, entityKey: string): Promise<string | null> {
  const rows = await store.query(
    sql`SELECT toString(flow_target) AS target FROM event_facts
        WHERE type = 'sync.failed' AND has(refs, ${entityKey}) AND flow_target != ''
        ORDER BY occurred_at DESC LIMIT 1`,
    z.object({ target: z.string() }),
  );
  return rows[0]?.target ?? null;
}
