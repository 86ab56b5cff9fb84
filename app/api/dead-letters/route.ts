// GET /api/dead-letters: rejected input, newest first, with counts by reason and collector;
// filters collector, reason, q, from/to; paginated; `format=csv` exports every dead letter
// the query matches.

import { route } from '@/lib/http/route';
import { everyPage, csvResponse } from '@/lib/http/csv';
import { DEAD_LETTER_CSV_COLUMNS, deadLettersQuerySchema, type DeadLettersResponse } from '@/lib/contracts/integrations';
import { getDeadLetterPage, getDeadLetters } from '@/lib/queries/get-dead-letters';
import { notAllowed } from '@/lib/http/methods';
import { PAGE_LIMIT_MAX } from '@/lib/queries/page';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'integrations:read', query: deadLettersQuerySchema }, async ({ query, rt }) => {
  const { format, ...params } = query;
  if (format === 'csv') {
    // the first page with its total (an oversized export is refused), the rest without counts
    const items = everyPage(async (cursor, limit) => {
      if (cursor) {
        const r = await getDeadLetterPage(rt.store, { ...params, cursor, limit });
        return { rows: r.items, next: r.next_cursor };
      }
      const r = await getDeadLetters(rt.store, { ...params, cursor, limit });
      return { rows: r.items, next: r.next_cursor, total: r.total };
    }, (d) => d.id, { pageSize: PAGE_LIMIT_MAX });
    return csvResponse('dead-letters.csv', DEAD_LETTER_CSV_COLUMNS, items);
  }
  const result: DeadLettersResponse = await getDeadLetters(rt.store, params);
  return result;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
