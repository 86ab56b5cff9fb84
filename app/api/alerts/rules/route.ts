// GET /api/alerts/rules: alert rules. POST: create one. Admin only; changes audited.

import { route } from '@/lib/http/route';
import { readJson } from '@/lib/http/json';
import { alertRuleInputSchema } from '@/lib/contracts/alerts';
import { createAlertRule, listAlertRules } from '@/lib/alerts/rules';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'admin' }, async ({ rt }) => ({ rules: await listAlertRules(rt.store) }));

export const POST = route({ permission: 'admin' }, async ({ req, rt, principal }) => {
  const body = await readJson(req, alertRuleInputSchema);
  const rule = await createAlertRule(rt.store, body, principal.name);
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'alert_rule.create', target: rule.id, reason: body.reason, outcome: 'ok', details: { name: rule.name, kind: rule.kind }, ip: clientIp(req) }]);
  return Response.json({ rule }, { status: 201 });
});

export const { PUT, PATCH, DELETE } = notAllowed('GET', 'POST');
