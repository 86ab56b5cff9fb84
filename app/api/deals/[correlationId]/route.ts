// GET /api/deals/{correlationId}: {"deal", "events"} with stages, expected path,
// deviations and the expected next step; 404 for an unknown deal.

import { z } from 'zod';
import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { getDeal } from '@/lib/queries/get-deal';
import { decodeSegment } from '@/lib/http/params';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ correlationId: z.string().min(1).max(300) });

export const GET = route<Record<string, never>, { correlationId: string }>({ permission: 'deals:read' }, async ({ params, rt }) => {
  const correlationId = decodeSegment(paramsSchema.parse(params).correlationId);
  const deal = await getDeal(rt.store, correlationId);
  if (!deal) throw errors.notFound(`no deal ${correlationId}`);
  return deal;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
