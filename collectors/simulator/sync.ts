// The integration middleware between the firm's systems: each hand-off (contract ▶ PSA
// project, milestone ▶ ERP invoice, payment ▶ cash application …) is a sync run that
// emits sync.requested then sync.succeeded or sync.failed, with a trace id. Most runs
// succeed; some fail and a retry recovers; a few fail for good, and then the downstream
// record is never created (the root cause behind many stuck items).

import type { DealContext } from './emit';
import { afterBusinessDays, afterMinutes } from './calendar';

export const SYNC_RATES = { failure: 0.05, unrecovered: 0.2 };

const ERRORS: [string, string][] = [
  ['TIMEOUT', 'target did not answer within 30 s'],
  ['HTTP_503', 'service unavailable'],
  ['VALIDATION_ERROR', 'required field tax_code is missing'],
  ['DUPLICATE_EXTERNAL_ID', 'a record with this external id already exists'],
  ['AUTH_EXPIRED', 'OAuth token expired'],
  ['RATE_LIMITED', 'API request limit exceeded'],
  ['MAPPING_ERROR', 'no mapping for customer account'],
];

export interface HopSpec {
  /** Entity keys of the record(s) being synced (a batch export carries several). */
  records: string[];
  from: string;
  to: string;
  /** When the upstream fact happened (the run starts shortly after). */
  at: number;
  value?: number | null;
  /** Override the failure rate (e.g. a flaky connector). */
  failure?: number;
}

export interface HopResult {
  ok: boolean;
  /** Earliest time the downstream record can exist (after the successful run). */
  readyAt: number;
  traceId: string;
  spanId: string;
}

export function syncHop(ctx: DealContext, h: HopSpec): HopResult {
  const rng = ctx.rng;
  const fails = ctx.fails(h.failure ?? SYNC_RATES.failure);
  const recovers = !fails || !rng.chance(SYNC_RATES.unrecovered);
  let t = afterMinutes(rng, h.at, 0.2, 4);
  const flowAttrs = { flow_source: h.from, flow_target: h.to, flow: `${h.from}_to_${h.to}` };
  const instance = 'integration-hub:prod';
  const run = (attempt: number, ok: boolean, retry = false) => {
    const runId = `run-${ctx.uid(`${h.records[0]}:${h.to}:${attempt}`, 14)}`;
    const traceId = rng.hex(32);
    const spanId = rng.hex(16);
    const base = {
      source: 'middleware' as const,
      instance,
      entityType: 'sync',
      entityId: runId,
      refs: h.records.slice(0, 50),
      amount: h.value ?? null,
      traceId,
      spanId,
    };
    ctx.emit({ ...base, type: 'sync.requested', at: t, status: 'requested', attrs: { ...flowAttrs, attempt: String(attempt), ...(retry ? { retry: 'true' } : {}) } });
    t += Math.round(rng.float(0.4, 45) * 1000);
    if (ok) {
      ctx.emit({ ...base, type: 'sync.succeeded', at: t, status: 'success', attrs: { ...flowAttrs, attempt: String(attempt) } });
    } else {
      const [code, message] = rng.pick(ERRORS);
      ctx.emit({ ...base, type: 'sync.failed', at: t, status: code, attrs: { ...flowAttrs, attempt: String(attempt), error: message }, payload: { error: { code, message } } });
    }
    return { traceId, spanId };
  };
  if (!fails) {
    const r = run(1, true);
    return { ok: true, readyAt: t, ...r };
  }
  run(1, false);
  if (!recovers) {
    // Sometimes the platform retries once more and fails again; then nobody follows up.
    if (rng.chance(0.5)) {
      t = afterMinutes(rng, t, 5, 60);
      run(2, false, true);
    }
    ctx.fault('sync-failed-unrecovered', h.records[0], t);
    return { ok: false, readyAt: t, traceId: '', spanId: '' };
  }
  // An automatic retry within minutes, or a person re-running it the next business day.
  t = rng.chance(0.6) ? afterMinutes(rng, t, 2, 45) : afterBusinessDays(rng, t, 0.3, 1.5, ctx.off);
  const r = run(2, true, true);
  ctx.fault('sync-recovered', h.records[0], t);
  return { ok: true, readyAt: t, ...r };
}
