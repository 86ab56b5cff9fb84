// GET /api/dead-letters/{id}: one dead letter with its full raw payload; 404 when unknown.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import type { DeadLetterResponse } from '@/lib/contracts/integrations';
import { deadLetterParamsSchema, getDeadLetter } from '@/lib/queries/get-dead-letter';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route<Record<string, never>, { id: string }>({ permission: 'integrations:read' }, async ({ params, rt }) => {
  const letter: DeadLetterResponse | null = await getDeadLetter(rt.store, deadLetterParamsSchema.parse(params));
  if (!letter) throw errors.notFound('no dead letter with this id');
  return letter;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
