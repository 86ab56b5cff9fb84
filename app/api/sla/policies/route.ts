// GET /api/sla/policies: the policies and the business calendars (this year's and next year's holidays).
// POST (create) / PUT (update) a policy: needs 'sla:write'; an invalid policy is refused
// with a 400 listing the reasons.

import { z } from 'zod';
import { route } from '@/lib/http/route';
import { readJsonBody } from '@/lib/http/body';
import { getSlaPolicies } from '@/lib/queries/get-sla-policies';
import { saveSlaPolicy } from '@/lib/queries/save-sla-policy';
import { calendars } from '@/lib/sla/calendars';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

const listQuery = z.object({ id: z.string().max(63).optional() });

/** The calendars with the holidays of this year and the next (their rules cover 2000–2100). */
function calendarsNow(now = new Date()) {
  const years = [String(now.getUTCFullYear()), String(now.getUTCFullYear() + 1)];
  return calendars().map((c) => ({ ...c, holidays: c.holidays.filter((h) => years.includes(h.date.slice(0, 4))) }));
}

export const GET = route({ permission: 'sla:read', query: listQuery }, async ({ query, rt }) => ({
  policies: await getSlaPolicies(rt.store, { id: query.id }),
  calendars: calendarsNow(),
}));

const jsonBody = (req: Request) => readJsonBody(req, 64 * 1024, 'body must be a JSON policy');

export const POST = route({ permission: 'sla:write' }, async ({ req, rt, principal }) => {
  const policy = await saveSlaPolicy(rt.store, { input: await jsonBody(req), mode: 'create', by: principal.name });
  rt.writer?.clocks.invalidate(); // the policy is read from the events until its clock is built
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'sla_policy.create', target: policy.id, outcome: 'ok', details: policy, ip: clientIp(req) }]);
  return Response.json(policy, { status: 201 });
});

export const PUT = route({ permission: 'sla:write' }, async ({ req, rt, principal }) => {
  const policy = await saveSlaPolicy(rt.store, { input: await jsonBody(req), mode: 'update', by: principal.name });
  rt.writer?.clocks.invalidate();
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'sla_policy.update', target: policy.id, outcome: 'ok', details: policy, ip: clientIp(req) }]);
  return policy;
});

export const { PATCH, DELETE } = notAllowed('GET', 'POST', 'PUT');
