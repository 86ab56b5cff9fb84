// Stuck item ids `${rule}:${entity_key}` (e.g. 'milestone-not-invoiced:psa:milestone:MS-1'),
// and an SLA policy's open breaches' `${policy_id}:${entity_key}`: the key of the exception workflow. Pure, so client components can use it too.

import { parseEntityKey } from '../events/entity-key';

export function parseExceptionId(id: string): { rule: string; entity_key: string } | null {
  const i = id.indexOf(':');
  if (i <= 0) return null;
  const rule = id.slice(0, i);
  const entity_key = id.slice(i + 1);
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(rule) || !parseEntityKey(entity_key)) return null;
  return { rule, entity_key };
}
