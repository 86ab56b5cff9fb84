// Alert rules in ClickHouse (admin CRUD): every change is a new version of the row;
// deletion writes deleted = 1.

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { sql } from '../clickhouse/sql';
import { chTime } from '../ingest/rows';
import { chIso } from '../actions/exceptions';
import { ALERT_CHANNELS, ALERT_KINDS, alertParamsSchema, alertRuleRefusal, type AlertRule, type AlertRuleInput } from '../contracts/alerts';
import { errors } from '../http/errors';
import { fxRates, reportingCurrency } from '../money/rates';

const rowSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ALERT_KINDS),
  params: z.string().transform((s) => alertParamsSchema.parse(JSON.parse(s))),
  channel: z.enum(ALERT_CHANNELS),
  url: z.string(),
  reminder_minutes: z.coerce.number(),
  enabled: z.coerce.number().transform((n) => n === 1),
  updated_at: chIso,
  updated_by: z.string(),
});

let seq = 0;
async function write(store: Store, r: AlertRule, deleted = false): Promise<void> {
  await store.insertJsonEachRow(
    'alert_rules',
    JSON.stringify({
      ...r,
      params: JSON.stringify(r.params),
      enabled: r.enabled ? 1 : 0,
      deleted: deleted ? 1 : 0,
      updated_at: chTime(r.updated_at),
      version: Date.now() * 1000 + (seq++ % 1000),
    }),
  );
}

export async function listAlertRules(store: Store): Promise<AlertRule[]> {
  return store.query(sql`SELECT * EXCEPT (version, deleted) FROM alert_rules FINAL WHERE deleted = 0 ORDER BY name`, rowSchema);
}

export async function getAlertRule(store: Store, id: string): Promise<AlertRule | null> {
  const rows = await store.query(sql`SELECT * EXCEPT (version, deleted) FROM alert_rules FINAL WHERE id = ${id} AND deleted = 0`, rowSchema);
  return rows[0] ?? null;
}

/**
 * A rule watching a stuck queue or KPI that does not exist is refused (400), not saved to
 * never fire; so is a money threshold given in a currency without a rate. A money threshold
 * saved without a currency is in the reporting currency, stamped on it. `prev`: the rule
 * before an update — a threshold it already had in a currency whose rate was removed since
 * stays (it is compared 1:1 and the notice says so), so the rule can still be paused or renamed.
 */
function checked(r: AlertRule, prev?: AlertRule): AlertRule {
  const why = alertRuleRefusal(r.kind, r.params);
  if (why) throw errors.badRequest(why);
  if (r.kind !== 'stuck_amount') return r;
  const currency = r.params.currency ?? reportingCurrency();
  const kept = prev?.kind === 'stuck_amount' && prev.params.currency === currency;
  if (!kept && fxRates()[currency] === undefined) throw errors.badRequest(`no exchange rate for ${currency}: give the threshold in ${reportingCurrency()}, or set a rate for ${currency} (admin settings, CASHTRACE_FX_RATES)`);
  return { ...r, params: { ...r.params, currency } };
}

export async function createAlertRule(store: Store, input: AlertRuleInput, by: string): Promise<AlertRule> {
  const { reason: _r, ...rest } = input;
  const rule = checked({ ...rest, id: `alr_${crypto.randomBytes(8).toString('hex')}`, updated_at: new Date().toISOString(), updated_by: by });
  await write(store, rule);
  return rule;
}

export async function updateAlertRule(store: Store, id: string, patch: Partial<AlertRuleInput>, by: string): Promise<AlertRule | null> {
  const cur = await getAlertRule(store, id);
  if (!cur) return null;
  const { reason: _r, ...rest } = patch;
  const next = checked({ ...cur, ...rest, id, updated_at: new Date().toISOString(), updated_by: by }, cur);
  await write(store, next);
  return next;
}

export async function deleteAlertRule(store: Store, id: string, by: string): Promise<boolean> {
  const cur = await getAlertRule(store, id);
  if (!cur) return false;
  await write(store, { ...cur, updated_at: new Date().toISOString(), updated_by: by }, true);
  return true;
}
