// GET /api/actions/{id}: an action and its lifecycle (requested ▶ sent ▶ acknowledged ▶
// verified | failed | timed_out), with the failure reason or the confirming event.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { getAction } from '@/lib/actions/store';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route<Record<string, never>, { id: string }>({ permission: 'stuck:read' }, async ({ rt, params }) => {
  const a = await getAction(rt.store, params.id);
  if (!a) throw errors.notFound('no such action');
  return a;
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
