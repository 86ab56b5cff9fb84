'use client';
// The deals table: deal, customer, billing model, stage, contract value in its currency,
// money collected, last event and age. Rows are links to the journey.

import Link from 'next/link';
import { useState } from 'react';
import type { Deal } from '@/lib/contracts/deals';
import { PROGRESS_STAGES } from '@/lib/events/stages';
import { formatMoney } from '@/lib/money/format';
import { BILLING_MODEL_LABEL, STAGE_COLOR, STAGE_LABEL, formatAgo, formatDate, formatDuration, shortKey } from '@/app/_components/journey-format';
import styles from './deals.module.css';

export function dealHref(correlationId: string): string {
  return `/deals/${encodeURIComponent(correlationId)}`;
}

function StageCell({ stage }: { stage: string }) {
  const reached = PROGRESS_STAGES.indexOf(stage as (typeof PROGRESS_STAGES)[number]);
  return (
    <span className={styles.stage} title={`Furthest stage reached: ${STAGE_LABEL[stage] ?? stage}`}>
      <span className={styles.pips} aria-hidden>
        {PROGRESS_STAGES.map((s, i) => (
          <span key={s} className={styles.pip} style={{ background: i <= reached ? STAGE_COLOR[stage] : undefined }} />
        ))}
      </span>
      {STAGE_LABEL[stage]}
    </span>
  );
}

/**
 * Money in, with its share of the contract value: a deal's stage is the furthest one reached,
 * so "Collected" means a first payment came in, not that all of it did.
 */
function CollectedCell({ deal: d }: { deal: Deal }) {
  if (!d.paid_value) return <span className="muted">—</span>;
  const contract = d.contract_value ?? d.quote_value;
  const share = (of: number | null | undefined) => (of ? `${Math.round((d.paid_value / of) * 100)}%` : null);
  const ofContract = share(contract);
  const ofInvoiced = share(d.invoiced_value);
  const title = [ofContract && `${ofContract} of the contract value`, ofInvoiced && `${ofInvoiced} of the ${formatMoney(d.invoiced_value, d.currency)} invoiced`].filter(Boolean).join('; ');
  return (
    <span title={title || undefined}>
      <span data-testid="deal-collected-amount">{formatMoney(d.paid_value, d.currency)}</span>
      {ofContract && (
        <span className={`muted ${styles.share}`} data-testid="deal-collected-share">
          {ofContract}
        </span>
      )}
    </span>
  );
}

export function DealsTable({ deals, overdue }: { deals: Deal[]; overdue: Record<string, number> }) {
  // Ages are relative to when the table was rendered (refreshed with the data).
  const [now] = useState(() => Date.now());
  return (
    <table className="data" data-testid="deals-table">
      <thead>
        <tr>
          <th>Deal</th>
          <th>Customer</th>
          <th>Billing model</th>
          <th>Stage</th>
          <th className="num">Contract value</th>
          <th className="num">Collected</th>
          <th>Last event</th>
          <th className="num">Age</th>
        </tr>
      </thead>
      <tbody>
        {deals.map((d) => (
          <tr key={d.correlation_id} data-testid="deal-row" data-correlation-id={d.correlation_id}>
            {/* its badges may go under the deal where the window is narrow */}
            <td className={`breakable ${styles.dealCell}`}>
              <Link href={dealHref(d.correlation_id)} className={styles.dealLink} data-testid="deal-link">
                {shortKey(d.correlation_id)}
              </Link>
              {(overdue[d.correlation_id] ?? 0) > 0 && (
                <span className="badge bad" title="Records of this deal on a stuck-work queue (open the deal to see which)" style={{ marginLeft: 6 }} data-testid="deal-overdue">
                  {overdue[d.correlation_id]} overdue
                </span>
              )}
              {d.sync_failed > 0 && (
                <span className="badge warn" title={`${d.sync_failed} failed sync attempt(s), recovered or not; one not recovered within an hour is on IT's queue and counted in "overdue"`} style={{ marginLeft: 6 }}>
                  sync
                </span>
              )}
            </td>
            <td className={`name ${styles.customer}`}>{d.customer || <span className="muted">unknown</span>}</td>
            <td>{BILLING_MODEL_LABEL[d.billing_model] ?? (d.billing_model || '—')}</td>
            <td>
              <StageCell stage={d.stage} />
            </td>
            <td className="num">{formatMoney(d.contract_value ?? d.quote_value, d.currency)}</td>
            <td className="num">
              <CollectedCell deal={d} />
            </td>
            {/* relative to the render's clock: the server's and the browser's may differ by a unit */}
            <td title={formatDate(d.last_at)} suppressHydrationWarning>
              {formatAgo(d.last_at, now)}
            </td>
            <td className="num">{formatDuration(now - new Date(d.first_at).getTime())}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
