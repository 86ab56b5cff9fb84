'use client';
// The deal's records whose clock still runs (GET /api/deals/{id}/open-items): what each waits
// for, how late it is or when it is due, the money on it; an overdue one links to its queue (or
// to its SLA policy's breaches, for a policy of one's own) and is worked here as there (its
// workflow state; re-sync, acknowledge, assign, snooze, resolve for those who may).

import Link from 'next/link';
import { useState } from 'react';
import { ExceptionState, StuckActions } from '@/app/_components/stuck-actions';
import type { DealOpenItem } from '@/lib/contracts/deals';
import { formatHours, formatMoney } from '@/lib/money/format';
import { shortKey, stepLabel } from '@/app/_components/journey-format';
import styles from './journey.module.css';

/** Shown in the card; the rest are counted. */
const SHOWN = 4;

/** A record's id (shortKey), or a sync incident's `record>target` as "id → target". */
function recordId(key: string): string {
  const [record, target] = key.split('>');
  return target ? `${shortKey(record)} → ${target}` : shortKey(record);
}

function timing(i: DealOpenItem): string {
  const unit = i.unit === 'business' ? ' (business time)' : '';
  return i.overdue ? `${formatHours(i.late_hours)} late${unit}` : `due in ${formatHours(-i.late_hours)}${unit}`;
}

export function OpenItems({ items }: { items: readonly DealOpenItem[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? items : items.slice(0, SHOWN);
  return (
    <div data-testid="open-items">
      <h3 className={styles.openTitle}>Open on this deal ({items.length})</h3>
      <ul className={styles.openList}>
        {shown.map((i) => (
          <li key={i.id} data-testid="open-item" data-rule={i.rule} data-id={i.id}>
            <span className={styles.openWhat}>
              <span title={`Waiting for ${i.waiting_for.join(' or ')}`}>{stepLabel(i.waiting_for[0])}</span> <span className="mono muted" title={i.entity_key}>{recordId(i.entity_key)}</span>
            </span>
            <span className={styles.openMeta}>
              <span className={`badge ${i.overdue ? 'bad' : 'ok'}`} data-testid="open-item-timing">{timing(i)}</span>
              {i.amount > 0 && <span>{formatMoney(i.amount, i.currency)}</span>}
              {i.overdue && (
                <Link href={i.queue ? `/stuck?rule=${i.rule}` : `/sla?policy=${encodeURIComponent(i.rule)}`} title={`Owner: ${i.owner}`} data-testid="open-item-where">
                  {i.queue ? i.title : `SLA: ${i.title}`}
                </Link>
              )}
              {i.overdue ? (
                <span data-testid="open-item-state">
                  <ExceptionState item={i} />
                </span>
              ) : (
                i.state !== 'open' && <span className="muted">{i.state}{i.assignee ? ` · ${i.assignee}` : ''}</span>
              )}
            </span>
            {i.overdue && <StuckActions item={{ ...i, ownerRole: i.owner_role, resyncTarget: i.resync_target }} />}
          </li>
        ))}
      </ul>
      {items.length > SHOWN && (
        <button type="button" onClick={() => setAll(!all)} data-testid="open-items-more" aria-expanded={all}>
          {all ? 'Show fewer' : `Show all ${items.length} (${items.length - SHOWN} more)`}
        </button>
      )}
    </div>
  );
}
