// The demo's systems as connectors, inside the app process: they receive re-sync / retry
// commands for every target, acknowledge at once, and after a realistic delay either
// create the missing downstream record (sync.succeeded + e.g. invoice.issued) or refuse
// it (sync.failed with a reason). Most succeed, some fail, some are slow; the choice is a
// stable function of the record so a demo run is repeatable.

import crypto from 'node:crypto';
import { z } from 'zod';
import { sql } from '../../lib/clickhouse/sql';
import { subjects, type BusCommand } from '../../lib/bus/types';
import { parseEntityKey } from '../../lib/events/entity-key';
import type { CanonicalEventInput } from '../../lib/events/schema';
import { ingestEvents } from '../../lib/ingest/pipeline';
import { env } from '../../lib/env';
import type { Runtime } from '../../lib/runtime';
import type { ActionCommand } from '../../lib/actions/create';
import { downstreamEvent, type SourceRecord } from './downstream';
import type { BehaviourFn, ConnectorBehaviour } from './types';

const ERRORS: [string, string][] = [
  ['VALIDATION_ERROR', 'required field tax_code is missing on the customer account'],
  ['MAPPING_ERROR', 'no mapping for the customer account in the target system'],
  ['AUTH_EXPIRED', 'the integration user OAuth token expired'],
  ['PERIOD_CLOSED', 'the accounting period is closed for posting'],
];

/** The demo's default: ~10 % fail, ~15 % slow (6-15 s), the rest answer in 1-3 s. */
export const defaultBehaviour: BehaviourFn = (cmd) => {
  const h = crypto.createHash('sha256').update(`${cmd.entity_key}>${cmd.target}:${cmd.kind}`).digest();
  const roll = h[0] / 256;
  const jitter = h[1] / 256;
  if (roll < 0.1 && cmd.kind === 'resync') return { outcome: 'fail', delayMs: 1500 + jitter * 1500, error: ERRORS[h[2] % ERRORS.length] };
  if (roll < 0.25) return { outcome: 'succeed', delayMs: 6000 + jitter * 9000 };
  return { outcome: 'succeed', delayMs: 1000 + jitter * 2000 };
};

const recordSchema = z.object({
  entity_key: z.string(),
  source: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  correlation_id: z.string(),
  amount: z.coerce.number().nullable(),
  currency: z.string(),
  refs: z.array(z.string()),
});

/** The source record as the source system last reported it (its latest event). */
async function loadRecord(rt: Runtime, key: string): Promise<SourceRecord | null> {
  const p = parseEntityKey(key);
  if (!p) return null;
  const rows = await rt.store.query(
    sql`SELECT entity_key, source, entity_type, entity_id, correlation_id, toFloat64OrNull(toString(amount)) AS amount, currency, refs
        FROM events WHERE entity_id = ${p.entity_id} AND entity_key = ${key} AND type NOT LIKE 'sync.%'
        ORDER BY occurred_at DESC LIMIT 1`,
    recordSchema,
  );
  const rec = rows[0];
  if (!rec) return null;
  // Keys of the same deal (a milestone's invoice also names the deal's sales order).
  const deal = rec.correlation_id
    ? await rt.store.query(sql`SELECT DISTINCT entity_key FROM events WHERE correlation_id = ${rec.correlation_id} AND type NOT LIKE 'sync.%'`, z.object({ entity_key: z.string() }))
    : [];
  return { ...rec, deal_keys: deal.map((d) => d.entity_key) };
}

function syncEvent(cmd: ActionCommand, rec: SourceRecord | null, type: 'sync.requested' | 'sync.succeeded' | 'sync.failed', at: Date, error?: [string, string]): CanonicalEventInput {
  const run = `run-${cmd.action_id.slice(4, 18)}`;
  const from = rec?.source ?? parseEntityKey(cmd.entity_key)?.source ?? 'middleware';
  return {
    event_id: `${cmd.action_id}:${type}`,
    source: 'middleware',
    source_instance: `${cmd.target}:connector`,
    type,
    occurred_at: at.toISOString(),
    entity_type: 'sync',
    entity_id: run,
    refs: [cmd.entity_key],
    correlation_id: rec?.correlation_id ?? '',
    amount: rec?.amount ?? null,
    currency: rec?.currency ?? '',
    status: type === 'sync.failed' ? error![0] : type === 'sync.succeeded' ? 'success' : 'requested',
    attributes: {
      action_id: cmd.action_id,
      flow_source: from,
      flow_target: cmd.target,
      flow: `${from}_to_${cmd.target}`,
      attempt: cmd.kind === 'retry' ? '2' : '1',
      ...(cmd.kind === 'retry' ? { retry: 'true' } : {}),
      ...(error ? { error: error[1] } : {}),
    },
    payload: { command: cmd, ...(error ? { error: { code: error[0], message: error[1] } } : {}) },
  };
}

const actionCommandSchema = z.object({
  action_id: z.string(),
  kind: z.enum(['resync', 'retry']),
  target: z.string(),
  entity_key: z.string(),
  reason: z.string(),
  requested_by: z.string(),
  requested_at: z.string(),
});

export interface SimulatedConnectorOptions {
  behaviour?: BehaviourFn;
  /** Only these targets (default: every target). */
  targets?: string[];
}

/**
 * Handles one command: acknowledges it (sync.requested) before resolving, so the bus acks
 * the message at once; the target's answer follows in the background (`done`).
 */
export async function handleCommand(rt: Runtime, bus: BusCommand, behaviour: BehaviourFn): Promise<{ done: Promise<void> }> {
  const cmd = actionCommandSchema.parse(bus.payload);
  const rec = await loadRecord(rt, cmd.entity_key);
  const emit = (events: CanonicalEventInput[]) => ingestEvents(rt, events, { collector: `connector:${cmd.target}` });
  await emit([syncEvent(cmd, rec, 'sync.requested', new Date())]);
  const b: ConnectorBehaviour = rec
    ? behaviour(cmd)
    : { outcome: 'fail', delayMs: 500, error: ['NOT_FOUND', `${cmd.entity_key} is not known to the source system`] };
  const done = (async () => {
    await new Promise((r) => setTimeout(r, b.delayMs));
    const at = new Date();
    if (b.outcome === 'fail' || !rec) {
      await emit([syncEvent(cmd, rec, 'sync.failed', at, b.error ?? ['ERROR', 'the target system refused the record'])]);
      return;
    }
    const created = downstreamEvent(rec, cmd.target, cmd.action_id, at);
    await emit([syncEvent(cmd, rec, 'sync.succeeded', at), ...(created ? [created] : [])]);
  })();
  return { done };
}

/** Subscribes the simulated systems to `<prefix>.cmd.<target>.<kind>`; returns the unsubscribe. */
export async function startSimulatedConnectors(rt: Runtime, opts: SimulatedConnectorOptions = {}): Promise<() => Promise<void>> {
  const s = subjects(env().CASHTRACE_NATS_PREFIX);
  const behaviour = opts.behaviour ?? defaultBehaviour;
  const filters = opts.targets ? opts.targets.map((t) => s.command(t, '*')) : [s.commandsAll];
  const unsubs = await Promise.all(
    filters.map((f, i) =>
      rt.bus.subscribeCommands(`simulated-connector-${i}`, f, async (cmd) => {
        const { done } = await handleCommand(rt, cmd, behaviour);
        done.catch((err) => console.error(`[connector] ${cmd.subject} failed:`, err));
      }),
    ),
  );
  return async () => {
    await Promise.all(unsubs.map((u) => u()));
  };
}
