'use client';
// /stuck: every queue at a glance, the chosen queue's items below (its rule in the URL); for
// those who take actions, "assigned to me" first: their items of every queue; who holds the
// stuck work (Workload), each holder's items of every queue (?assignee=<username>, - for nobody).

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { STUCK_RULES, STUCK_RULE_NAMES, isStuckRuleName, type StuckRuleName } from '@/lib/stuck/rules';
import { formatCount, formatMoney } from '@/lib/money/format';
import { FilterBar, useFilters, useParamsHref, useSetParams } from '@/app/_components/filter-bar';
import { StuckTable } from '@/app/_components/stuck-table';
import { useMyWork, useStuckItems, useStuckSummary } from '@/app/_hooks/use-views';
import { useMe } from '@/app/_components/use-me';
import { ANY_ASSIGNEE, UNASSIGNED } from '@/lib/contracts/actions';
import { Workload } from './workload';
import styles from '@/app/_components/views.module.css';
import { NeedsWork, QueueCard, QueueCards } from './queue-cards';
import { Updating } from '@/app/_components/updating';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

export function StuckView() {
  const sp = useSearchParams();
  const setParams = useSetParams();
  const hrefWith = useParamsHref();
  const filters = useFilters();
  const summary = useStuckSummary(filters);
  const requested = sp.get('rule') ?? '';
  const rule: StuckRuleName = isStuckRuleName(requested) ? requested : 'invoice-not-collected';
  const r = STUCK_RULES[rule];
  const { data: me } = useMe();
  const mine = me?.permissions.includes('actions:write') ? me.user.username : null;
  const holder = sp.get('assignee') ?? '';
  const holderTitle = holder === mine ? 'Assigned to me' : holder === UNASSIGNED ? 'Assigned to nobody' : holder === ANY_ASSIGNEE ? 'Assigned to someone' : `Assigned to ${holder}`;
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
      <RefreshFailed query={summary} what="the queues" />
      {loadError(summary) ? (
        <div className="error">Could not load the queues: {loadError(summary)?.message}</div>
      ) : summary.isLoading || !summary.data ? (
        <div className="loading">Loading queues…</div>
      ) : (
        <QueueCards
          queues={summary.data.queues}
          currency={summary.data.reporting_currency}
          selected={holder ? '' : rule}
          hrefFor={(x) => hrefWith({ rule: x, assignee: undefined })}
          last={mine && <MineCard username={mine} unstaffed={!!me?.permissions.includes('pmo:read')} selected={holder === mine} href={hrefWith({ assignee: mine, rule: undefined })} />}
        />
      )}
      {holder ? (
        <section className="panel">
          <h2 className={styles.sectionTitle}>
            {holderTitle} <span className="muted" style={{ fontWeight: 400 }}>· every queue’s items{holder === UNASSIGNED ? ' nobody holds' : ` assigned to ${holder}`}</span>
          </h2>
          <StuckTable key={`holder:${holder}`} rules={[...STUCK_RULE_NAMES]} initialAssignee={holder} showRule testId="stuck-queue" />
        </section>
      ) : (
        <section className="panel">
          <h2 className={styles.sectionTitle}>
            {r.title} <span className="muted" style={{ fontWeight: 400 }}>· owner {r.owner} · money at stake: {r.money}</span>
          </h2>
          <StuckTable key={rule} rules={[rule]} testId="stuck-queue" />
        </section>
      )}
      <Workload selected={holder} onSelect={(a) => setParams({ assignee: a, rule: undefined })} />
    </div>
  );
}

/**
 * The signed-in user's own queue: how many items of every queue are assigned to them, and of
 * those how many need work; and the open breaches of SLA policies of one's own given them that
 * need work (no queue's items: worked on /sla; the nav's count, whatever the filters).
 */
function MineCard({ username, unstaffed, selected, href }: { username: string; unstaffed: boolean; selected: boolean; href: string }) {
  const filters = useFilters();
  const { data } = useStuckItems({ ...filters, rules: STUCK_RULE_NAMES.join(','), assignee: username, limit: 1 });
  const { data: active } = useStuckItems({ ...filters, rules: STUCK_RULE_NAMES.join(','), assignee: username, state: 'active', limit: 1 });
  const { data: work } = useMyWork(username, unstaffed);
  return (
    <QueueCard href={href} selected={selected} testId="queue-mine">
      <div className="label">Assigned to me</div>
      <div className="value">
        {data ? formatCount(data.total) : '…'}
        {data && <span style={{ fontSize: 14, fontWeight: 500 }}> · {formatMoney(data.total_value, data.reporting_currency, { compact: true })}</span>}
      </div>
      {data && active && <NeedsWork count={data.total} needsWork={active.total} />}
      <div className="sub">Items of every queue assigned to {username}</div>
      {work && work.breaches > 0 && (
        <div className="sub" data-testid="queue-mine-breaches">
          and {formatCount(work.breaches)} open {work.breaches === 1 ? 'breach' : 'breaches'} of SLA policies of one’s own to work on SLA
        </div>
      )}
    </QueueCard>
  );
}
