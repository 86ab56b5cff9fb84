// GET /api/stuck/workload?rules= (+ the shared filters): who holds the stuck work — per
// assignee ('' = nobody) the items of the selected queues (all: every queue), the money at
// stake and how late the most overdue is. ?format=csv exports the same rows.

import { stuckWorkloadQuerySchema } from '@/lib/contracts/stuck';
import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { getStuckWorkload } from '@/lib/queries/get-stuck-items';
import { notAllowed } from '@/lib/http/methods';
import { valueCurrencyColumn } from '@/lib/money/rates';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'stuck:read', query: stuckWorkloadQuerySchema }, async ({ query, rt }) => {
  const { format, ...params } = query;
  const w = await getStuckWorkload(rt.store, params);
  if (format === 'csv') return csvResponse('stuck-workload.csv', ['assignee', 'items', 'value', 'max_late_hours'], w.rows, valueCurrencyColumn());
  return w;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
