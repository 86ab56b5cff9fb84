'use client';
// Finance: which invoices are stuck or late, which delivered work is not billed, which cash
// is not applied — each ordered by money at risk, filterable, exportable.

import { FilterBar, useFilters } from '@/app/_components/filter-bar';
import { StuckTable } from '@/app/_components/stuck-table';
import { useStuckSummary } from '@/app/_hooks/use-views';
import { formatMoney } from '@/lib/money/format';
import type { StuckRuleName } from '@/lib/stuck/rules';
import styles from '@/app/_components/views.module.css';

const SECTIONS: { id: string; title: string; rules: StuckRuleName[]; blurb: string }[] = [
  { id: 'stuck-invoices', title: 'Stuck invoices', rules: ['invoice-not-collected'], blurb: 'Not fully paid by the due date; open amount after payments and credits.' },
  { id: 'unbilled-work', title: 'Unbilled work', rules: ['milestone-not-invoiced', 'time-not-billed', 'change-not-reflected', 'provisioned-not-billable'], blurb: 'Delivered or changed, not yet on an invoice or a billing schedule.' },
  { id: 'unapplied-cash', title: 'Unapplied cash', rules: ['payment-not-applied'], blurb: 'Payments received but not applied to an invoice in the ERP.' },
];

export function FinanceView() {
  const filters = useFilters();
  const summary = useStuckSummary(filters);
  const money = (rules: StuckRuleName[]) => summary.data?.queues.filter((q) => rules.includes(q.rule)).reduce((s, q) => s + q.value, 0);
  const cur = summary.data?.reporting_currency ?? 'EUR';
  return (
    <div>
      <h1>Finance</h1>
      <p className="subtitle">Which invoices are stuck or late, why, and what each is worth.</p>
      <FilterBar />
      <div className="grid cols-3" style={{ marginBottom: 16 }}>
        {SECTIONS.map((s) => (
          <a key={s.id} href={`#${s.id}`} className={`tile ${styles.tileLink}`} data-testid={`finance-tile-${s.id}`}>
            <div className="label">{s.title}</div>
            <div className="value">{summary.data ? formatMoney(money(s.rules) ?? 0, cur, { compact: true }) : '…'}</div>
            <div className="sub">{s.blurb}</div>
          </a>
        ))}
      </div>
      {SECTIONS.map((s) => (
        <section key={s.id} id={s.id} className="panel">
          <h2 className={styles.sectionTitle}>{s.title}</h2>
          <StuckTable rules={s.rules} testId={s.id} showRule={s.rules.length > 1} pageSize={10} />
        </section>
      ))}
    </div>
  );
}
