// Creating an action: authorise by role and queue ▶ idempotency (one action per
// Idempotency-Key and user) ▶ durable record + audit ▶ dispatch: a command on the bus for
// the target's connector (resync, retry), a pipeline re-run (replay), or a workflow
// change (acknowledge, assign, snooze, resolve).

import crypto from 'node:crypto';
import type { Principal, Role } from '../auth/roles';
import { actionRefusal } from '../auth/role-matrix';
import { workOwner } from '../queries/get-sla-policies';
import { assignmentRefusal, getUserByUsername } from '../auth/users';
import { subjects } from '../bus/types';
import { env } from '../env';
import { errors } from '../http/errors';
import type { Runtime } from '../runtime';
import { actorOf, recordAudit } from '../audit/record';
import type { ActionCreated, ActionRequest, ActionStatus } from '../contracts/actions';
import { applyExceptionChange, parseExceptionId } from './exceptions';
import { deadLetterExists, replayDeadLetter } from './replay';
import { lastFailedTarget } from './targets';
import { appendStatus, findByIdempotencyKey, getAction, insertAction, type ActionRecord } from './store';

/** What a connector receives as the command payload (see docs/connectors.md). */
export interface ActionCommand {
  action_id: string;
  kind: 'resync' | 'retry';
  target: string;
  entity_key: string;
  reason: string;
  requested_by: string;
  requested_at: string;
}

export function readIdempotencyKey(req: Request): string {
  const key = req.headers.get('idempotency-key')?.trim();
  if (!key) throw errors.badRequest('an Idempotency-Key header is required (any unique string per intended action)');
  if (key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) throw errors.badRequest('Idempotency-Key must be 1-200 printable characters');
  return key;
}

// One in-flight creation per (user, key): a concurrent repeat waits and then finds the first.
const inFlight = new Map<string, Promise<unknown>>();

async function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  while (inFlight.has(key)) await inFlight.get(key)!.catch(() => undefined);
  const p = fn();
  inFlight.set(key, p);
  try {
    return await p;
  } finally {
    inFlight.delete(key);
  }
}

function canonicalRequest(body: ActionRequest): string {
  return JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => a.localeCompare(b))));
}

/** Why `principal` may not take this action, or null. Also checks that the subject exists. */
export async function refusalOf(rt: Runtime, principal: Principal, body: ActionRequest): Promise<{ status: 400 | 403; message: string } | null> {
  let rule: string | undefined;
  let owner: Role | undefined;
  if (body.exception_id) {
    const parsed = parseExceptionId(body.exception_id);
    if (!parsed) return { status: 400, message: 'exception_id must be <rule>:<source>:<entity_type>:<id>' };
    rule = parsed.rule;
    // a queue's, or an SLA policy's breach: its policy's owner's to work
    owner = (await workOwner(rt.store, rule)) ?? undefined;
  }
  const why = actionRefusal(principal.role, body.kind, { target: body.target, rule, owner });
  if (why) return { status: 403, message: why };
  if (body.kind === 'assign' && body.assignee) {
    // an empty assignee unassigns; anyone else must be a person who may work the item
    const user = await getUserByUsername(rt.store, body.assignee);
    const problem = user ? assignmentRefusal(user, rule, owner) : `no user named ${body.assignee}`;
    if (problem) return { status: 400, message: problem };
  }
  if (body.kind === 'replay' && body.dead_letter_id && !(await deadLetterExists(rt, body.dead_letter_id))) {
    return { status: 400, message: 'no such dead letter' };
  }
  return null;
}

export async function createAction(rt: Runtime, principal: Principal, body: ActionRequest, idempotencyKey: string, ip = ''): Promise<ActionCreated> {
  return serialised(`${principal.id}\u0000${idempotencyKey}`, async () => {
    if (body.kind === 'retry' && !body.target && body.entity_key) {
      const target = await lastFailedTarget(rt.store, body.entity_key);
      if (!target) throw errors.badRequest(`no failed sync of ${body.entity_key} to retry; name the target`);
      body = { ...body, target: target as ActionRequest['target'] };
    }
    const request = canonicalRequest(body);
    const existing = await findByIdempotencyKey(rt.store, principal.id, idempotencyKey);
    if (existing) {
      if (existing.request !== request) throw errors.conflict('this Idempotency-Key was used for a different request');
      const a = await getAction(rt.store, existing.action_id);
      return { action_id: existing.action_id, status: a?.status ?? 'requested', replayed: true };
    }
    const refusal = await refusalOf(rt, principal, body);
    const actor = actorOf(principal);
    const what = `action.${body.kind}`;
    const target = body.entity_key ?? body.exception_id ?? body.dead_letter_id ?? '';
    if (refusal) {
      await recordAudit(rt.store, [{ actor, action: what, target, reason: body.reason, outcome: 'refused', details: { message: refusal.message, target: body.target }, ip }]);
      throw refusal.status === 403 ? errors.forbidden(refusal.message) : errors.badRequest(refusal.message);
    }
    const action_id = `act_${crypto.randomBytes(10).toString('hex')}`;
    const isCommand = body.kind === 'resync' || body.kind === 'retry';
    const rec: ActionRecord = {
      action_id,
      idempotency_key: idempotencyKey,
      kind: body.kind,
      target: body.target ?? '',
      entity_key: body.entity_key ?? (body.exception_id ? (parseExceptionId(body.exception_id)?.entity_key ?? '') : ''),
      exception_id: body.exception_id ?? '',
      dead_letter_id: body.dead_letter_id ?? '',
      assignee: body.assignee ?? '',
      until: body.until ? new Date(body.until).toISOString() : null,
      resolution_code: body.resolution_code ?? '',
      reason: body.reason,
      request,
      requested_by: principal.id,
      requested_by_name: principal.name,
      requested_role: principal.role,
      requested_at: new Date().toISOString(),
      subject: isCommand ? subjects(env().CASHTRACE_NATS_PREFIX).command(body.target!, body.kind) : '',
    };
    await insertAction(rt.store, rec);
    await appendStatus(rt.store, [{ action_id, status: 'requested', at: rec.requested_at }]);
    await recordAudit(rt.store, [{ actor, action: what, target, reason: body.reason, outcome: 'requested', details: { action_id, target: rec.target, subject: rec.subject, ...(body.force ? { force: true } : {}) }, ip }]);
    const status = await dispatch(rt, rec, body);
    if (status.status !== 'sent') {
      await recordAudit(rt.store, [{ actor, action: what, target, reason: body.reason, outcome: status.status, details: { action_id, detail: status.detail }, ip }]);
    }
    return { action_id, status: status.status, replayed: false };
  });
}

async function dispatch(rt: Runtime, rec: ActionRecord, body: ActionRequest): Promise<{ status: ActionStatus; detail: string }> {
  let out: { status: ActionStatus; detail: string };
  try {
    if (rec.kind === 'resync' || rec.kind === 'retry') {
      const payload: ActionCommand = {
        action_id: rec.action_id,
        kind: rec.kind,
        target: rec.target,
        entity_key: rec.entity_key,
        reason: rec.reason,
        requested_by: rec.requested_by_name,
        requested_at: rec.requested_at,
      };
      await rt.bus.publishCommand({ subject: rec.subject, id: rec.action_id, payload });
      out = { status: 'sent', detail: `published on ${rec.subject}` };
    } else if (rec.kind === 'replay') {
      const r = await replayDeadLetter(rt, rec.dead_letter_id, body.mapping, { force: body.force });
      out = { status: r.ok ? 'verified' : 'failed', detail: r.detail };
    } else {
      const row = await applyExceptionChange(rt.store, {
        exception_id: rec.exception_id,
        kind: rec.kind,
        assignee: rec.assignee || undefined,
        until: rec.until ?? undefined,
        resolution_code: rec.resolution_code || undefined,
        stuck_since: body.stuck_since,
        by: rec.requested_by_name,
        action_id: rec.action_id,
      });
      out = { status: 'verified', detail: `exception is now ${row.state}${row.assignee ? ` (assignee ${row.assignee})` : ''}` };
    }
  } catch (err) {
    out = { status: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
  await appendStatus(rt.store, [{ action_id: rec.action_id, status: out.status, detail: out.detail }]);
  return out;
}
