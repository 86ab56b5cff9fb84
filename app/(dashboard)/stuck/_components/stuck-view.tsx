'use client';
// /stuck: every queue at a glance, the chosen queue's items below (its rule in the URL).

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { STUCK_RULES, isStuckRuleName, type StuckRuleName } from '@/lib/stuck/rules';
import { FilterBar, useFilters, useSetParams } from '@/app/_components/filter-bar';
import { StuckTable } from '@/app/_components/stuck-table';
import { useStuckSummary } from '@/app/_hooks/use-views';
import styles from '@/app/_components/views.module.css';
import { QueueCards } from './queue-cards';
import { Updating } from '@/app/_components/updating';

export function StuckView() {
  const sp = useSearchParams();
  const setParams = useSetParams();
  const filters = useFilters();
  const summary = useStuckSummary(filters);
  const requested = sp.get('rule') ?? '';
  const rule: StuckRuleName = isStuckRuleName(requested) ? requested : 'invoice-not-collected';
  const r = STUCK_RULES[rule];
  return (
    <div>
      <div className={styles.head}>
        <div>
          <h1>Stuck work</h1>
          <p className="subtitle">Work that stopped between systems: the next event never came. Each queue waits the time its <Link href="/sla">SLA policy</Link> allows (business time runs on each legal entity’s calendar).</p>
        </div>
        <Updating active={summary.isFetching && !summary.isLoading} />
      </div>
      <FilterBar />
      {summary.error ? (
        <div className="error">Could not load the queues: {summary.error.message}</div>
      ) : summary.isLoading || !summary.data ? (
        <div className="loading">Loading queues…</div>
      ) : (
        <QueueCards queues={summary.data.queues} currency={summary.data.reporting_currency} selected={rule} onSelect={(x) => setParams({ rule: x })} />
      )}
      <section className="panel">
        <h2 className={styles.sectionTitle}>
          {r.title} <span className="muted" style={{ fontWeight: 400 }}>· owner {r.owner} · money at stake: {r.money}</span>
        </h2>
        <StuckTable key={rule} rules={[rule]} testId="stuck-queue" />
      </section>
    </div>
  );
}
