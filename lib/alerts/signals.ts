// What an alert rule measures: the breaches it sees now, each with a stable key (the
// dedup key of its incident), a value and a one-line summary.
//   stuck_count / stuck_amount: per stuck queue (DOMAIN.md §5), count or money at stake
//   flow_error_rate: per integration flow (source ▶ target), failed / runs in the window
//   sla_breaches: per SLA policy, the number of open breaches
//   kpi_off_target: per KPI (the overview's, its default window), its value past its target
//   assigned_work: per item assigned to someone (one user's, or everyone's) that needs work:
//     a stuck item or unstaffed project, at least `threshold` hours late; its notice tells the
//     channel whose it is, and it resolves once the item is done, snoozed or handed on

import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import type { AlertRule } from '../contracts/alerts';
import { getStuckSummary } from '../queries/get-stuck-summary';
import { getSlaBreaches } from '../queries/get-sla-breaches';
import { getSlaPolicies } from '../queries/get-sla-policies';
import { getKpis } from '../queries/get-kpis';
import type { KpiUnit } from '../kpis/definitions';
import { STUCK_RULE_NAMES, STUCK_RULES, type StuckRuleName } from '../stuck/rules';
import { getStuckItems } from '../queries/get-stuck-items';
import { getUnstaffedProjects } from '../queries/get-unstaffed-projects';
import { ANY_ASSIGNEE } from '../contracts/actions';
import { env } from '../env';
import { fxRates } from '../money/rates';

export interface Breach {
  key: string;
  value: number;
  summary: string;
  /** When it began, where that is known (an assignment): one that began before its rule was saved opens without a notice. */
  since?: string;
}

async function stuckBreaches(store: Store, rule: AlertRule, now: Date): Promise<Breach[]> {
  const p = rule.params;
  const only = p.rule && (STUCK_RULE_NAMES as readonly string[]).includes(p.rule) ? [p.rule as StuckRuleName] : undefined;
  const summary = await getStuckSummary(store, { now, rules: only });
  const money = rule.kind === 'stuck_amount';
  const m = money ? moneyThreshold(p, summary.reporting_currency) : null;
  const threshold = m ? m.threshold : p.threshold;
  return summary.queues
    .filter((q) => (money ? q.value : q.count) >= threshold && (money ? q.value : q.count) > 0)
    .map((q) => ({
      key: `stuck:${q.rule}`,
      value: money ? q.value : q.count,
      summary: m
        ? `${q.title}: ${q.value.toFixed(2)} ${summary.reporting_currency} stuck in ${q.count} item(s) (threshold ${m.text})`
        : `${q.title}: ${q.count} stuck item(s) (threshold ${p.threshold})`,
    }));
}

/**
 * A money threshold in the reporting currency: given in another (the reporting currency
 * changed since the rule was saved, or the rule names one), converted at the rate in force;
 * without a rate (removed since), compared 1:1 and said so.
 */
export function moneyThreshold(p: AlertRule['params'], reporting: string, rates: Record<string, number> = fxRates()): { threshold: number; text: string } {
  const currency = p.currency ?? reporting;
  if (currency === reporting) return { threshold: p.threshold, text: `${p.threshold} ${reporting}` };
  const rate = rates[currency];
  if (rate === undefined) return { threshold: p.threshold, text: `${p.threshold} ${currency}, no rate for ${currency}: compared 1:1` };
  const threshold = Math.round(p.threshold * rate * 100) / 100;
  return { threshold, text: `${p.threshold} ${currency} = ${threshold.toFixed(2)} ${reporting}` };
}

const flowRowSchema = z.object({ src: z.string(), dst: z.string(), failed: z.coerce.number(), runs: z.coerce.number() });

async function flowBreaches(store: Store, rule: AlertRule, now: Date): Promise<Breach[]> {
  const p = rule.params;
  const since = new Date(now.getTime() - p.window_minutes * 60_000);
  const rows = await store.query(
    sql`SELECT toString(flow_source) AS src, toString(flow_target) AS dst,
               countIf(type = 'sync.failed') AS failed, count() AS runs
        FROM event_facts
        WHERE type IN ('sync.succeeded', 'sync.failed') AND occurred_at >= ${since} AND occurred_at <= ${now}
        GROUP BY src, dst HAVING runs >= ${p.min_runs}`,
    flowRowSchema,
  );
  return rows
    .filter((r) => r.failed / r.runs >= p.threshold && r.failed > 0)
    .map((r) => ({
      key: `flow:${r.src}>${r.dst}`,
      value: r.failed / r.runs,
      summary: `${r.src} → ${r.dst}: ${r.failed} of ${r.runs} sync runs failed in the last ${p.window_minutes} min (${Math.round((100 * r.failed) / r.runs)} %, threshold ${Math.round(p.threshold * 100)} %)`,
    }));
}

async function slaBreaches(store: Store, rule: AlertRule, now: Date): Promise<Breach[]> {
  const p = rule.params;
  const r = await getSlaBreaches(store, { now: now.toISOString(), policy: p.rule, kind: 'open', limit: 1 });
  return r.policies
    .filter((x) => x.open_breaches > 0 && x.open_breaches >= p.threshold)
    .map((x) => ({
      key: `sla:${x.policy_id}`,
      value: x.open_breaches,
      summary: `SLA "${x.name}" (${x.severity}): ${x.open_breaches} open breach(es) (threshold ${p.threshold})`,
    }));
}

const kpiText = (v: number, unit: KpiUnit) => (unit === 'share' ? `${(v * 100).toFixed(1)} %` : `${v.toFixed(1)} ${unit === 'days' ? 'd' : 'h'}`);

async function kpiBreaches(store: Store, rule: AlertRule, now: Date): Promise<Breach[]> {
  const p = rule.params;
  const r = await getKpis(store, { now });
  return r.kpis.flatMap((k) => {
    if ((p.rule && k.id !== p.rule) || k.value === null || k.n === 0) return [];
    const worse = k.better === 'lower' ? k.value - k.target : k.target - k.value;
    const past = k.target > 0 ? worse / k.target : worse > 0 ? Infinity : 0;
    if (worse <= 0 || past < p.threshold) return [];
    return [{
      key: `kpi:${k.id}`,
      value: k.value,
      summary: `${k.label}: ${kpiText(k.value, k.unit)} against a target of ${kpiText(k.target, k.unit)} (${Number.isFinite(past) ? `${Math.round(past * 100)} % past it` : 'past it'}; threshold ${Math.round(p.threshold * 100)} %), ${r.window.from} → ${r.window.to}`,
    }];
  });
}

/** Enough for anyone's list: past it, the rest are announced as earlier ones resolve. */
const ASSIGNED_WATCHED = 5_000;

/** One read of the queues for everyone's assigned work (ANY_ASSIGNEE), or one person's. */
async function assignedBreaches(store: Store, rule: AlertRule, now: Date): Promise<Breach[]> {
  const p = rule.params;
  const q = { now: now.toISOString(), assignee: p.rule ?? ANY_ASSIGNEE, state: 'active' as const, limit: ASSIGNED_WATCHED };
  const [stuck, unstaffed, own, policies] = await Promise.all([
    getStuckItems(store, { ...q, sort: 'late', dir: 'desc' }),
    getUnstaffedProjects(store, q),
    // the open breaches of the policies of one's own (the nine's are the stuck items): the
    // matches alone, not the policies' figures
    getSlaBreaches(store, { ...q, own: '1', kind: 'open', figures: '0' }),
    getSlaPolicies(store, { enabledOnly: true }),
  ]);
  const base = env().CASHTRACE_PUBLIC_URL?.replace(/\/$/, '');
  const policyName = new Map(policies.map((x) => [x.id, x.name]));
  const items = [
    ...stuck.items.map((i) => ({ ...i, title: STUCK_RULES[i.rule].title })),
    ...unstaffed.items.map((i) => ({ ...i, title: 'Project not staffed' })),
    ...own.breaches.map((b) => ({ ...b, id: b.exception_id, title: policyName.get(b.policy_id) ?? b.policy_id, amount: b.value, currency: own.reporting_currency })),
  ];
  return items
    .filter((i) => i.late_hours >= p.threshold)
    .map((i) => {
      const by = i.state_by && i.state_by !== i.assignee ? ` by ${i.state_by}` : '';
      const link = base ? ` ${base}/deals/${encodeURIComponent(i.correlation_id)}` : '';
      return {
        key: `assigned:${i.assignee}:${i.id}`,
        value: i.value,
        summary: `${i.title}: ${i.entity_key} (${i.customer || 'no customer'}, ${i.amount.toFixed(2)} ${i.currency}, ${Math.round(i.late_hours)} h late) is assigned to ${i.assignee}${by} and needs work${link}`,
        ...(i.state_at ? { since: i.state_at } : {}),
      };
    });
}

export async function breachesOf(store: Store, rule: AlertRule, now: Date): Promise<Breach[]> {
  switch (rule.kind) {
    case 'stuck_count':
    case 'stuck_amount':
      return stuckBreaches(store, rule, now);
    case 'flow_error_rate':
      return flowBreaches(store, rule, now);
    case 'sla_breaches':
      return slaBreaches(store, rule, now);
    case 'kpi_off_target':
      return kpiBreaches(store, rule, now);
    case 'assigned_work':
      return assignedBreaches(store, rule, now);
  }
}
