// GET /api/dead-letters: rejected input, newest first, with counts by reason and collector;
// filters collector, reason, q, from/to; paginated; `format=csv` exports the page.

import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { DEAD_LETTER_CSV_COLUMNS, deadLettersQuerySchema, type DeadLettersResponse } from '@/lib/contracts/integrations';
import { getDeadLetters } from '@/lib/queries/get-dead-letters';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'integrations:read', query: deadLettersQuerySchema }, async ({ query, rt }) => {
  const { format, ...params } = query;
  const result: DeadLettersResponse = await getDeadLetters(rt.store, params);
  if (format === 'csv') return csvResponse('dead-letters.csv', DEAD_LETTER_CSV_COLUMNS, result.items);
  return result;
});
