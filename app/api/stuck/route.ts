// GET /api/stuck?rule=&q=&sort=&dir=&limit=&cursor= (+ the shared filters): the items of
// one queue (or of several: rules=a,b); without rule, a summary of every queue.
// ?format=csv exports every item the query matches (or the summary), not one page.

import { stuckQuerySchema } from '@/lib/contracts/stuck';
import { route } from '@/lib/http/route';
import { everyPage, csvResponse, exportAsOf } from '@/lib/http/csv';
import { getStuckItems } from '@/lib/queries/get-stuck-items';
import { getStuckSummary } from '@/lib/queries/get-stuck-summary';
import { notAllowed } from '@/lib/http/methods';
import { valueCurrencyColumn } from '@/lib/money/rates';

export const dynamic = 'force-dynamic';

const ITEM_COLUMNS = [
  'id', 'rule', 'owner', 'state', 'assignee', 'state_by', 'state_at', 'snoozed_until', 'entity_key', 'correlation_id', 'customer', 'region', 'legal_entity', 'since',
  'late_hours', 'aging_bucket', 'amount', 'currency', 'value', 'last_event_type', 'last_event_at',
] as const;

export const GET = route({ permission: 'stuck:read', query: stuckQuerySchema }, async ({ query, rt }) => {
  if (!query.rule && !query.rules) {
    const s = await getStuckSummary(rt.store, query);
    if (query.format === 'csv') {
      return csvResponse('stuck-summary.csv', ['rule', 'title', 'owner', 'count', 'needs_work', 'value'], s.queues, valueCurrencyColumn());
    }
    return s;
  }
  if (query.format === 'csv') {
    // every page read at one instant: an item's hours late change with it, and sorted by them
    // the queue pages by offset, which needs the order to hold from page to page
    const q = exportAsOf(query);
    const items = everyPage(async (cursor, limit) => {
      const r = await getStuckItems(rt.store, { ...q, cursor, limit });
      return { rows: r.items, next: r.next_cursor, total: r.total };
    }, (i) => i.id);
    return csvResponse(`stuck-${query.rule ?? 'items'}.csv`, ITEM_COLUMNS, items, valueCurrencyColumn());
  }
  return getStuckItems(rt.store, query);
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
