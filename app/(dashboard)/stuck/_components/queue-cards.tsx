'use client';
// The queue cards: per rule its count (and how many need work), money at stake, aging buckets and owner. A card is a
// link to its queue (this page with its rule in the URL): reachable from the keyboard, and a click that lands before
// the page has hydrated still opens the queue (as a page load; after hydration, in place).

import Link from 'next/link';
import type { ReactNode } from 'react';
import type { StuckQueueSummary } from '@/lib/contracts/stuck';
import { STUCK_RULES, describeAllowance, isStuckRuleName } from '@/lib/stuck/rules';
import { formatCount, formatMoney } from '@/lib/money/format';
import styles from '@/app/_components/views.module.css';

/** DOMAIN.md's default for a queue whose policy allows another time, else null. */
function changedFrom(q: StuckQueueSummary): string | null {
  const d = isStuckRuleName(q.rule) ? STUCK_RULES[q.rule] : null;
  return d && (d.threshold_hours !== q.threshold_hours || d.unit !== q.unit) ? describeAllowance({ ...d, rule: q.rule }) : null;
}

/** Of a card's stuck items, how many need work (and how many were snoozed or resolved); nothing for none. */
export function NeedsWork({ count, needsWork }: { count: number; needsWork: number }) {
  if (count === 0) return null;
  return (
    <div className="sub" data-testid="queue-needs-work" title="Snoozed (until later) or resolved items stay stuck until the data shows the next step; they leave “needs work”">
      {formatCount(needsWork)} need work{count > needsWork && ` · ${formatCount(count - needsWork)} snoozed or resolved`}
    </div>
  );
}

/** A queue card: a link to `href` in place (no new history entry, no scroll), marked current when selected. */
export function QueueCard({ href, selected, testId, children }: { href: string; selected: boolean; testId: string; children: ReactNode }) {
  return (
    <Link href={href} replace scroll={false} className={`tile ${styles.queueCard}`} aria-current={selected ? 'true' : undefined} data-testid={testId}>
      {children}
    </Link>
  );
}

/**
 * `last`: a card after the queues' ("Assigned to me"). Rendered with the page since the user
 * is (2026-12-07); before, it appeared once the user was fetched, and placed first it pushed
 * every queue card along, so that a click aimed at one landed on it — once in a full test run.
 */
export function QueueCards({ queues, currency, selected, hrefFor, last }: { queues: StuckQueueSummary[]; currency: string; selected: string; hrefFor: (rule: string) => string; last?: ReactNode }) {
  return (
    <div className={styles.tiles} data-testid="queue-cards">
      {queues.map((q) => (
        <QueueCard key={q.rule} href={hrefFor(q.rule)} selected={q.rule === selected} testId={`queue-${q.rule}`}>
          <div className="label">{q.title}</div>
          <div className="value">
            {formatCount(q.count)} <span style={{ fontSize: 14, fontWeight: 500 }}>· {formatMoney(q.value, currency, { compact: true })}</span>
          </div>
          <NeedsWork count={q.count} needsWork={q.needs_work} />
          <div className="sub">
            Owner {q.owner} · {describeAllowance(q)}
            {changedFrom(q) && <span data-testid="queue-allowance-default"> (set on SLA; default {changedFrom(q)})</span>}
          </div>
          <div className={styles.buckets} aria-label="aging in days late">
            {q.buckets.map((b) => (
              <span key={b.bucket} className={`${styles.bucket} ${b.count > 0 && b.bucket !== '1-30' ? styles.bucketHot : ''}`} title={`${b.bucket} days late: ${b.count} (${formatMoney(b.value, currency)})`}>
                {b.bucket}d · {formatCount(b.count)}
              </span>
            ))}
          </div>
        </QueueCard>
      ))}
      {last}
    </div>
  );
}
