// GET /api/deals/{correlationId}/open-items: the deal's records whose stuck-rule clock still
// runs (unpaid invoices, unapplied payments, uninvoiced milestones…), overdue first, each with
// its workflow state; `items: []` when nothing is open; 404 for an unknown deal.

import { z } from 'zod';
import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { getDealOpenItems } from '@/lib/queries/get-deal-open-items';
import { decodeSegment } from '@/lib/http/params';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ correlationId: z.string().min(1).max(300) });

export const GET = route<Record<string, never>, { correlationId: string }>({ permission: 'deals:read' }, async ({ params, rt }) => {
  const correlationId = decodeSegment(paramsSchema.parse(params).correlationId);
  const open = await getDealOpenItems(rt.store, correlationId);
  if (!open) throw errors.notFound(`no deal ${correlationId}`);
  return open;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
