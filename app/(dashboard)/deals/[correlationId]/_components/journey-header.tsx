// The journey header: the deal, its customer and dimensions, and its money in its currency.

import type { DealDetail } from '@/lib/contracts/deals';
import { formatMoney } from '@/lib/money/format';
import { BILLING_MODEL_LABEL, STAGE_LABEL, formatDate, shortKey } from '@/app/_components/journey-format';
import styles from './journey.module.css';

export function JourneyHeader({ detail }: { detail: DealDetail }) {
  const d = detail.deal;
  const money = (v: number | null) => formatMoney(v, d.currency);
  const open = d.invoiced_value - d.credited_value - d.paid_value;
  const dims = [d.region, d.practice, d.legal_entity].filter(Boolean).join(' · ');
  return (
    <header className={styles.header}>
      <div className={styles.title}>
        <h1 data-testid="journey-title">
          {d.customer || 'Unknown customer'} <span className={styles.key}>{shortKey(d.correlation_id)}</span>
        </h1>
        <p className="subtitle">
          <span className="badge">{BILLING_MODEL_LABEL[d.billing_model] ?? (d.billing_model || 'no billing model')}</span>{' '}
          <span className="badge ok" data-testid="journey-stage">{STAGE_LABEL[d.stage]}</span> {dims && <>· {dims} </>}· {d.events} events since{' '}
          {formatDate(d.first_at, false)} · <span className="mono">{d.correlation_id}</span>
        </p>
      </div>
      <div className="grid cols-4">
        <div className="tile">
          <div className="label">Contract value</div>
          <div className="value" data-testid="contract-value">{money(d.contract_value ?? d.quote_value)}</div>
          <div className="sub">{d.change_value ? `${money(d.change_value)} in change orders` : d.currency || 'no currency'}</div>
        </div>
        <div className="tile">
          <div className="label">Delivered</div>
          <div className="value">{money(d.delivered_value)}</div>
          <div className="sub">milestones, time and expenses</div>
        </div>
        <div className="tile">
          <div className="label">Invoiced</div>
          <div className="value">{money(d.invoiced_value)}</div>
          <div className="sub">{d.credited_value ? `${money(d.credited_value)} credited` : 'no credit memos'}</div>
        </div>
        <div className="tile">
          <div className="label">Collected</div>
          <div className="value">{money(d.paid_value)}</div>
          <div className="sub">{open > 0 ? `${money(open)} open` : d.applied_value ? `${money(d.applied_value)} applied` : 'nothing open'}</div>
        </div>
      </div>
    </header>
  );
}
