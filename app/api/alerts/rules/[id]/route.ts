// PATCH /api/alerts/rules/{id}: change a rule. DELETE: remove it (its open incidents close
// without a notice). Admin only; audited.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';
import { readJson } from '@/lib/http/json';
import { alertRulePatchSchema } from '@/lib/contracts/alerts';
import { deleteAlertRule, updateAlertRule } from '@/lib/alerts/rules';
import { actorOf, clientIp, recordAudit } from '@/lib/audit/record';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

type P = { id: string };

export const PATCH = route<Record<string, never>, P>({ permission: 'admin' }, async ({ req, rt, principal, params }) => {
  const body = await readJson(req, alertRulePatchSchema);
  const rule = await updateAlertRule(rt.store, params.id, body, principal.name);
  if (!rule) throw errors.notFound('no such alert rule');
  const { reason, ...changed } = body;
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'alert_rule.update', target: rule.id, reason, outcome: 'ok', details: changed, ip: clientIp(req) }]);
  return { rule };
});

export const DELETE = route<Record<string, never>, P>({ permission: 'admin' }, async ({ req, rt, principal, params }) => {
  if (!(await deleteAlertRule(rt.store, params.id, principal.name))) throw errors.notFound('no such alert rule');
  await recordAudit(rt.store, [{ actor: actorOf(principal), action: 'alert_rule.delete', target: params.id, outcome: 'ok', ip: clientIp(req) }]);
  return { deleted: true };
});

export const { GET, POST, PUT } = notAllowed('PATCH', 'DELETE');
