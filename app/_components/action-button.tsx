'use client';
// A role-aware action button for queues and detail pages: hidden when the signed-in user
// may not take this action (the server refuses it anyway), and once clicked it shows the
// action's lifecycle (requested ▶ sent ▶ acknowledged ▶ verified | failed | timed out).
// Usage: docs/actions-ui.md.

import { useEffect, useRef, useState } from 'react';
import { actionRefusal, type ActionKind } from '@/lib/auth/role-matrix';
import type { ActionRequest } from '@/lib/contracts/actions';
import type { Role } from '@/lib/auth/roles';
import { parseExceptionId } from '@/lib/actions/exception-id';
import { useMe } from './use-me';
import { useActionStatus, useRunAction } from './use-action';
import { rememberAction } from './recent-actions';
import styles from './action-button.module.css';

export interface ActionButtonProps {
  kind: ActionKind;
  /** Target system for resync / retry (erp, psa, billing, …). */
  target?: ActionRequest['target'];
  entityKey?: string;
  /** Stuck item id `${rule}:${entity_key}` (acknowledge, assign, snooze, resolve; also scopes resync). */
  exceptionId?: string;
  /** Whose work the exception is when its rule is an SLA policy's, not a stuck queue's (the breach's owner). */
  owner?: Role;
  deadLetterId?: string;
  assignee?: string;
  until?: string;
  resolutionCode?: string;
  /** Replay: fields merged into the dead-lettered item first (an edited mapping). */
  mapping?: Record<string, unknown>;
  /** Replay: even though its record's event was stored since under another event ID. */
  force?: boolean;
  stuckSince?: string;
  label?: string;
  /** Ask for a reason before sending (default: a reason naming the button and page). */
  askReason?: boolean;
  onDone?: (status: string) => void;
}

const BADGE: Record<string, string> = { verified: 'ok', failed: 'bad', timed_out: 'bad', requested: 'warn', sent: 'warn', acknowledged: 'warn' };
const DEFAULT_LABEL: Record<ActionKind, string> = { resync: 'Re-sync', retry: 'Retry', replay: 'Replay', acknowledge: 'Acknowledge', assign: 'Assign', snooze: 'Snooze', resolve: 'Resolve' };

/**
 * One action started from a control (a button, the assign menu): posts it, adds it to the
 * recent actions, and follows its lifecycle; onDone gets its final status.
 */
export function useTrackedAction(onDone?: (status: string) => void) {
  const run = useRunAction();
  const [actionId, setActionId] = useState<string | null>(null);
  const status = useActionStatus(actionId);
  const final = status.data && ['verified', 'failed', 'timed_out'].includes(status.data.status) ? status.data.status : null;
  // Once per action: callers pass a new onDone at every render, and one that refreshes their
  // queries re-renders them; reported on every render it refreshed again and again, each
  // refresh cancelling the last one's requests, so the list never showed the outcome.
  const latest = useRef(onDone);
  useEffect(() => {
    latest.current = onDone;
  });
  const reported = useRef<string | null>(null);
  useEffect(() => {
    if (!final || !actionId || reported.current === actionId) return;
    reported.current = actionId;
    latest.current?.(final);
  }, [final, actionId]);
  const current = status.data?.status ?? (run.data?.status as string | undefined);
  return {
    current,
    detail: status.data?.detail,
    error: run.error,
    busy: run.isPending || (!!current && !['verified', 'failed', 'timed_out'].includes(current)),
    start: async (body: ActionRequest, label: string) => {
      const created = await run.mutateAsync(body).catch(() => null);
      if (created) {
        setActionId(created.action_id);
        rememberAction({ id: created.action_id, label, subject: body.entity_key ?? body.exception_id ?? body.dead_letter_id ?? '' });
      }
    },
  };
}
export type TrackedAction = ReturnType<typeof useTrackedAction>;

/** A started action's status badge, its failure reason, and the refusal of a request the server did not take. */
export function ActionProgress({ t }: { t: TrackedAction }) {
  return (
    <>
      {t.current && (
        <span className={`badge ${BADGE[t.current] ?? ''}`} title={t.detail} data-testid="action-status" data-status={t.current}>
          {t.current.replace('_', ' ')}
        </span>
      )}
      {t.current && t.detail && ['failed', 'timed_out'].includes(t.current) && (
        <span className={styles.detail} data-testid="action-detail">{t.detail}</span>
      )}
      {t.error && <span className={styles.detail} data-testid="action-error">{t.error.message}</span>}
    </>
  );
}

export function ActionButton(p: ActionButtonProps) {
  const { data: me } = useMe();
  const t = useTrackedAction(p.onDone);
  if (!me) return null;
  const rule = p.exceptionId ? parseExceptionId(p.exceptionId)?.rule : undefined;
  if (actionRefusal(me.user.role, p.kind, { target: p.target, rule, owner: p.owner })) return null;
  const label = p.label ?? `${DEFAULT_LABEL[p.kind]}${p.target ? ` to ${p.target.toUpperCase()}` : ''}`;

  const click = async () => {
    const reason = p.askReason ? window.prompt(`Why? (${label})`)?.trim() : `${label} from ${window.location.pathname}`;
    if (!reason) return;
    const body: ActionRequest = {
      kind: p.kind,
      reason,
      ...(p.target ? { target: p.target } : {}),
      ...(p.entityKey ? { entity_key: p.entityKey } : {}),
      ...(p.exceptionId ? { exception_id: p.exceptionId } : {}),
      ...(p.deadLetterId ? { dead_letter_id: p.deadLetterId } : {}),
      ...(p.assignee ? { assignee: p.assignee } : {}),
      ...(p.until ? { until: p.until } : {}),
      ...(p.resolutionCode ? { resolution_code: p.resolutionCode } : {}),
      ...(p.stuckSince ? { stuck_since: p.stuckSince } : {}),
      ...(p.mapping ? { mapping: p.mapping } : {}),
      ...(p.force ? { force: true } : {}),
    };
    await t.start(body, label);
  };

  return (
    <span className={styles.wrap} data-testid="action" data-kind={p.kind}>
      <button type="button" className={styles.button} onClick={click} disabled={t.busy} data-testid="action-button" data-kind={p.kind} data-target={p.target}>
        {label}
      </button>
      <ActionProgress t={t} />
      {t.current === 'failed' && p.kind === 'resync' && <ActionButton {...p} kind="retry" label={`Retry to ${(p.target ?? '').toUpperCase()}`} />}
    </span>
  );
}

/**
 * An action taken by choosing from a menu (whom to assign, how long to snooze): hidden for
 * roles that may not take it, as ActionButton; `request` turns the chosen option into the
 * request and the label Recent actions shows.
 */
export function ActionMenu(p: {
  kind: ActionKind;
  rule: string;
  owner?: Role;
  placeholder: string;
  ariaLabel: string;
  testId: string;
  options: { value: string; label: string }[];
  /** A last option that asks for a date (min..max, YYYY-MM-DD) and takes it as the chosen value, labelled "until <date>". */
  date?: { label: string; min: string; max: string };
  request: (option: { value: string; label: string }) => [ActionRequest, string];
  onDone?: (status: string) => void;
}) {
  const { data: me } = useMe();
  const t = useTrackedAction(p.onDone);
  const [asking, setAsking] = useState(false);
  const [day, setDay] = useState('');
  if (!me || actionRefusal(me.user.role, p.kind, { rule: p.rule, owner: p.owner })) return null;
  const choose = (value: string) => {
    if (value === DATE_OPTION) return setAsking(true);
    const option = p.options.find((o) => o.value === value);
    if (option) void t.start(...p.request(option));
  };
  const dayOk = !!p.date && day >= p.date.min && day <= p.date.max;
  const takeDay = () => {
    setAsking(false);
    void t.start(...p.request({ value: day, label: `until ${day}` }));
  };
  return (
    <span className={styles.wrap} data-testid="action" data-kind={p.kind}>
      {asking && p.date ? (
        <span className={styles.row} data-testid={`${p.testId}-date`}>
          <input type="date" className={styles.button} value={day} min={p.date.min} max={p.date.max} onChange={(e) => setDay(e.target.value)} aria-label={`${p.ariaLabel}: ${p.date.label}`} />
          <button type="button" className={styles.button} disabled={!dayOk} onClick={takeDay} title={dayOk ? undefined : `a day from ${p.date.min} to ${p.date.max}`}>
            OK
          </button>
          <button type="button" className={styles.button} onClick={() => setAsking(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <select className={`${styles.button} ${styles.assign}`} value="" disabled={t.busy} onChange={(e) => choose(e.target.value)} aria-label={p.ariaLabel} data-testid={p.testId}>
          <option value="" disabled>
            {p.placeholder}
          </option>
          {p.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
          {p.date && <option value={DATE_OPTION}>{p.date.label}</option>}
        </select>
      )}
      <ActionProgress t={t} />
    </span>
  );
}

/** The menu's value for "ask for a date". */
const DATE_OPTION = '__date';
