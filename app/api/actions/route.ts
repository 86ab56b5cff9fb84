// POST /api/actions (Idempotency-Key header required): creates an action and answers
// {action_id, status, replayed}; a repeat with the same key returns the same action.
// GET /api/actions?entity_key=…|exception_id=…: recent actions with their lifecycle.

import { z } from 'zod';
import { route } from '@/lib/http/route';
import { readJson } from '@/lib/http/json';
import { actionRequestSchema } from '@/lib/contracts/actions';
import { createAction, readIdempotencyKey } from '@/lib/actions/create';
import { listActions } from '@/lib/actions/store';
import { clientIp } from '@/lib/audit/record';
import { ensureActionServices } from '@/collectors/connectors/services';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const POST = route({ permission: 'actions:write' }, async ({ req, rt, principal }) => {
  await ensureActionServices(rt);
  const key = readIdempotencyKey(req);
  const body = await readJson(req, actionRequestSchema, 256 * 1024);
  const created = await createAction(rt, principal, body, key, clientIp(req));
  return Response.json(created, { status: created.replayed ? 200 : 201 });
});

const listQuerySchema = z.object({
  entity_key: z.string().max(300).optional(),
  exception_id: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const GET = route({ permission: 'stuck:read', query: listQuerySchema }, async ({ rt, query }) => ({ actions: await listActions(rt.store, query) }));

export const { PUT, PATCH, DELETE } = notAllowed('GET', 'POST');
