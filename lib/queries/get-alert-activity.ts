// Alert activity for the admin page: open incidents and the latest delivery attempts.

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { chIso } from '../actions/exceptions';
import { openIncidents, type Incident } from '../alerts/evaluator';

const deliverySchema = z.object({
  delivery_id: z.string(),
  rule_id: z.string(),
  notice: z.string(),
  channel: z.string(),
  url_host: z.string(),
  attempt: z.coerce.number(),
  at: chIso,
  ok: z.coerce.number().transform((n) => n === 1),
  http_status: z.coerce.number(),
  error: z.string(),
});
export type AlertDelivery = z.infer<typeof deliverySchema>;

export async function getAlertActivity(store: Store, limit = 100): Promise<{ incidents: Incident[]; deliveries: AlertDelivery[] }> {
  const [incidents, deliveries] = await Promise.all([
    openIncidents(store),
    store.query(sql`SELECT * FROM alert_deliveries ORDER BY at DESC LIMIT ${limit}`, deliverySchema),
  ]);
  return { incidents, deliveries };
}
