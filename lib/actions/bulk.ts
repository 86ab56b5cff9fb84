// Bulk actions over a selection (the rows a filtered queue shows): a dry run reports, per
// item, whether it would run, is refused, or already has an action under this key; a real
// run creates one action per item (Idempotency-Key `<key>:<index>`, so a repeat is a no-op).

import type { Principal } from '../auth/roles';
import { errors, ApiError } from '../http/errors';
import type { Runtime } from '../runtime';
import { actionRequestSchema, type BulkRequest, type BulkResponse } from '../contracts/actions';
import { createAction, refusalOf } from './create';
import { findByIdempotencyKey } from './store';
import { formatZodIssues } from '../events/schema';

export async function runBulk(rt: Runtime, principal: Principal, body: BulkRequest, key: string, ip = ''): Promise<BulkResponse> {
  const items: BulkResponse['items'] = [];
  for (const [index, item] of body.items.entries()) {
    const label = item.exception_id ?? item.entity_key ?? item.dead_letter_id ?? '';
    const parsed = actionRequestSchema.safeParse({
      kind: body.kind,
      target: body.target,
      assignee: body.assignee,
      until: body.until,
      resolution_code: body.resolution_code,
      reason: body.reason,
      ...item,
    });
    if (!parsed.success) {
      items.push({ index, key: label, outcome: 'invalid', action_id: null, status: null, message: formatZodIssues(parsed.error).join('; ') });
      continue;
    }
    const itemKey = `${key}:${index}`;
    if (body.dry_run) {
      const existing = await findByIdempotencyKey(rt.store, principal.id, itemKey);
      if (existing) {
        items.push({ index, key: label, outcome: 'existing', action_id: existing.action_id, status: null, message: 'already requested under this key' });
        continue;
      }
      const refusal = await refusalOf(rt, principal, parsed.data);
      items.push(
        refusal
          ? { index, key: label, outcome: 'refused', action_id: null, status: null, message: refusal.message }
          : { index, key: label, outcome: 'would_run', action_id: null, status: null, message: `${body.kind}${body.target ? ` to ${body.target}` : ''}` },
      );
      continue;
    }
    try {
      const r = await createAction(rt, principal, parsed.data, itemKey, ip);
      items.push({ index, key: label, outcome: r.replayed ? 'existing' : 'created', action_id: r.action_id, status: r.status, message: '' });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      items.push({ index, key: label, outcome: err.status === 403 ? 'refused' : 'invalid', action_id: null, status: null, message: err.message });
    }
  }
  if (!body.dry_run && items.every((i) => i.outcome === 'refused')) throw errors.forbidden(items[0]?.message ?? 'refused');
  return { dry_run: body.dry_run, items };
}
