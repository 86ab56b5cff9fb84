'use client';
// Finance: which invoices are stuck or late, which delivered work is not billed, which
// projects cannot be billed yet, which cash is not applied — each ordered by money at risk,
// filterable, exportable.

import { FilterBar, useFilters } from '@/app/_components/filter-bar';
import { StuckTable } from '@/app/_components/stuck-table';
import { useStuckSummary } from '@/app/_hooks/use-views';
import { formatMoney } from '@/lib/money/format';
import type { StuckRuleName } from '@/lib/stuck/rules';
import { FINANCE_PAGE_SIZE, SECTIONS } from './sections';
import styles from '@/app/_components/views.module.css';

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
      <div className="grid cols-4" style={{ marginBottom: 16 }}>
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
          <StuckTable rules={s.rules} testId={s.id} showRule={s.rules.length > 1} pageSize={FINANCE_PAGE_SIZE} />
        </section>
      ))}
    </div>
  );
}
