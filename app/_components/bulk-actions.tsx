'use client';
// Bulk actions over the rows a filtered queue shows: choose re-sync, acknowledge or assign
// (to whom), see the dry run (what would run, what your role may not do, what was already requested), then
// confirm. Hidden for roles without actions:write.

import { useState } from 'react';
import type { StuckItem } from '@/lib/contracts/stuck';
import { bulkResponseSchema, type BulkResponse } from '@/lib/contracts/actions';
import { RESYNC_TARGET } from '@/lib/actions/targets';
import { useMe } from './use-me';
import { refreshQueues } from './use-action';
import { useQueryClient } from '@tanstack/react-query';
import { useAssignees } from '@/app/_hooks/use-views';
import { assigneeRefusal } from '@/lib/auth/role-matrix';
import type { Role } from '@/lib/auth/roles';
import styles from './action-button.module.css';

type Kind = 'resync' | 'acknowledge' | 'assign';

async function bulk(kind: Kind, assignee: string, items: Pick<StuckItem, 'id' | 'rule' | 'entity_key' | 'since'>[], dryRun: boolean, key: string): Promise<BulkResponse> {
  // One request per target system (a queue may mix rules).
  const groups = new Map<string, typeof items>();
  for (const i of items) {
    const t = kind === 'resync' ? (RESYNC_TARGET[i.rule] ?? '') : '';
    if (kind === 'resync' && !t) continue;
    groups.set(t, [...(groups.get(t) ?? []), i]);
  }
  const out: BulkResponse = { dry_run: dryRun, items: [] };
  for (const [target, group] of groups) {
    const r = await fetch('/api/actions/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `${key}:${target || 'none'}` },
      body: JSON.stringify({
        kind,
        ...(target ? { target } : {}),
        ...(kind === 'assign' ? { assignee } : {}),
        reason: `bulk ${kind}${kind === 'assign' ? ` to ${assignee}` : ''} from ${window.location.pathname}`,
        dry_run: dryRun,
        items: group.map((i) => ({ exception_id: i.id, stuck_since: i.since, ...(kind === 'resync' ? { entity_key: i.entity_key } : {}) })),
      }),
    });
    const json = await r.json();
    if (!r.ok) throw new Error(json?.error?.message ?? `bulk ${kind} failed (${r.status})`);
    out.items.push(...bulkResponseSchema.parse(json).items);
  }
  return out;
}

export function BulkActions({ items }: { items: Pick<StuckItem, 'id' | 'rule' | 'entity_key' | 'since'>[] }) {
  const { data: me } = useMe();
  const [kind, setKind] = useState<Kind>('resync');
  const [assignee, setAssignee] = useState('');
  const people = useAssignees(!!me?.permissions.includes('actions:write')).data?.users ?? [];
  // those who may work every row shown (the dry run names any row the server would refuse)
  const rules = [...new Set(items.map((i) => i.rule))];
  const eligible = people.filter((u) => rules.every((r) => !assigneeRefusal(u.role as Role, r)));
  const [preview, setPreview] = useState<{ key: string; r: BulkResponse } | null>(null);
  const [done, setDone] = useState<BulkResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  // what a bulk acknowledge or assign changed shows at once (the queues, who holds the work, the nav's count)
  const qc = useQueryClient();
  if (!me || !me.permissions.includes('actions:write') || items.length === 0) return null;
  const count = (r: BulkResponse, o: string) => r.items.filter((i) => i.outcome === o).length;
  const run = async (dryRun: boolean) => {
    setError(null);
    try {
      const key = preview?.key ?? crypto.randomUUID();
      const r = await bulk(kind, assignee, items, dryRun, key);
      if (dryRun) setPreview({ key, r });
      else {
        setDone(r);
        setPreview(null);
        refreshQueues(qc);
      }
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <span className={styles.row} data-testid="bulk-actions">
      <select value={kind} onChange={(e) => (setKind(e.target.value as Kind), setPreview(null))} aria-label="Bulk action">
        <option value="resync">Re-sync all shown</option>
        <option value="acknowledge">Acknowledge all shown</option>
        <option value="assign">Assign all shown…</option>
      </select>
      {kind === 'assign' && (
        <select value={assignee} onChange={(e) => (setAssignee(e.target.value), setPreview(null))} aria-label="Assign all shown to" data-testid="bulk-assignee">
          <option value="" disabled>
            to…
          </option>
          {eligible.map((u) => (
            <option key={u.username} value={u.username}>
              to {u.username === me.user.username ? 'me' : u.display_name}
            </option>
          ))}
        </select>
      )}
      {!preview ? (
        <button type="button" className={styles.button} onClick={() => run(true)} disabled={kind === 'assign' && !assignee} data-testid="bulk-dry-run">
          Dry run ({items.length})
        </button>
      ) : (
        <>
          <span className="muted" data-testid="bulk-preview">
            {count(preview.r, 'would_run')} would run · {count(preview.r, 'refused')} not allowed · {count(preview.r, 'existing')} already requested
          </span>
          <button type="button" className={styles.button} disabled={count(preview.r, 'would_run') === 0} onClick={() => run(false)} data-testid="bulk-confirm">
            Confirm
          </button>
          <button type="button" className={styles.button} onClick={() => setPreview(null)}>
            Cancel
          </button>
        </>
      )}
      {done && <span className="muted" data-testid="bulk-done">{count(done, 'created')} action(s) started</span>}
      {error && <span className={styles.detail}>{error}</span>}
    </span>
  );
}
