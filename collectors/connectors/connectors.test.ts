// The connector interface over both buses: an action's command reaches the simulated
// connector through in-process delivery and through NATS JetStream (durable consumer), and
// the connector's events close the loop (verified, or failed with the reason).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Store } from '../../lib/clickhouse/client';
import { sql } from '../../lib/clickhouse/sql';
import { openTempStore, truncateAll } from '../../lib/testing/temp-store';
import { startNatsServer, type NatsServer } from '../../lib/testing/nats';
import { createRuntime, type Runtime } from '../../lib/runtime';
import { resetEnvForTests } from '../../lib/env';
import { ingestEvents } from '../../lib/ingest/pipeline';
import { createAction } from '../../lib/actions/create';
import { getAction } from '../../lib/actions/store';
import { verifyPending } from '../../lib/actions/verifier';
import { eventually } from '../../lib/testing/auth-requests';
import { ev } from '../../lib/testing/events';
import { defaultBehaviour, startSimulatedConnectors } from './simulated';

let store: Store;
let nats: NatsServer;

beforeAll(async () => {
  ({ store } = await openTempStore());
  nats = await startNatsServer();
});
afterAll(async () => {
  await store.close();
  await nats.stop();
});

const finance = { id: 'usr_demo_finance', name: 'finance', role: 'finance' as const, via: 'session' as const };
const ago = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

describe.each(['embedded', 'nats'] as const)('closed loop over the %s bus', (mode) => {
  let rt: Runtime;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    await truncateAll(store);
    process.env.CASHTRACE_NATS_PREFIX = `conn${mode}`;
    resetEnvForTests();
    rt = await createRuntime({ store, natsUrl: mode === 'nats' ? nats.url : null, worker: true });
    stop = await startSimulatedConnectors(rt, {
      behaviour: (cmd) => (cmd.entity_key.endsWith('BAD') ? { outcome: 'fail', delayMs: 50, error: ['PERIOD_CLOSED', 'the accounting period is closed for posting'] } : { outcome: 'succeed', delayMs: 200 }),
    });
    await ingestEvents(
      rt,
      [
        { event_id: `${mode}-pay`, source: 'payments', type: 'payment.received', occurred_at: ago(3), entity_type: 'payment', entity_id: 'PAY-1', refs: ['erp:invoice:INV-1'], amount: 700, currency: 'EUR' },
        { event_id: `${mode}-pay-bad`, source: 'payments', type: 'payment.received', occurred_at: ago(3), entity_type: 'payment', entity_id: 'PAY-BAD', refs: ['erp:invoice:INV-2'], amount: 80, currency: 'EUR' },
      ],
      { collector: 'test' },
    );
    await eventually(async () => (await store.query(sql`SELECT count() AS n FROM events`, z.object({ n: z.coerce.number() })))[0].n === 2);
  });
  afterAll(async () => {
    await stop();
    await rt.shutdown();
  });

  async function settle(id: string) {
    return eventually(async () => {
      await verifyPending(rt);
      const a = await getAction(store, id);
      return a && ['verified', 'failed', 'timed_out'].includes(a.status) ? a : null;
    });
  }

  it('a payment re-synced to the ERP is applied (cash.applied carries the action id)', async () => {
    const { action_id } = await createAction(rt, finance, { kind: 'resync', target: 'erp', entity_key: 'payments:payment:PAY-1', reason: 'apply it' }, `${mode}-1`);
    const a = await settle(action_id);
    expect(a.status).toBe('verified');
    const applied = await store.query(
      sql`SELECT refs, attributes['action_id'] AS action_id, toFloat64(amount) AS amount FROM events WHERE type = 'cash.applied'`,
      z.object({ refs: z.array(z.string()), action_id: z.string(), amount: z.number() }),
    );
    expect(applied).toEqual([{ refs: ['payments:payment:PAY-1', 'erp:invoice:INV-1'], action_id, amount: 700 }]);
  });

  it('a refused record leaves the action failed with the target’s reason', async () => {
    const { action_id } = await createAction(rt, finance, { kind: 'resync', target: 'erp', entity_key: 'payments:payment:PAY-BAD', reason: 'apply it' }, `${mode}-2`);
    const a = await settle(action_id);
    expect(a.status).toBe('failed');
    expect(a.detail).toBe('the accounting period is closed for posting');
  });
});

describe('without a connector for the target', () => {
  it('the action times out after CASHTRACE_ACTION_TIMEOUT_S', async () => {
    resetEnvForTests();
    const rt = await createRuntime({ store, natsUrl: null, worker: true });
    const { action_id, status } = await createAction(rt, finance, { kind: 'resync', target: 'billing', entity_key: 'psa:milestone:MS-LOST', reason: 'nobody listens' }, 'timeout-1');
    expect(status).toBe('sent');
    expect(await verifyPending(rt)).toEqual([]);
    const later = new Date(Date.now() + 301_000);
    const steps = await verifyPending(rt, later);
    expect(steps).toEqual([{ action_id, status: 'timed_out', detail: 'no confirming event within 300 s' }]);
    expect((await getAction(store, action_id))!.status).toBe('timed_out');
    await rt.shutdown();
  });
});

describe('an acknowledgement and its result seen in the same pass', () => {
  it('records both steps, in lifecycle order', async () => {
    resetEnvForTests();
    const rt = await createRuntime({ store, natsUrl: null, worker: true });
    const { action_id } = await createAction(rt, finance, { kind: 'resync', target: 'billing', entity_key: 'psa:milestone:MS-FAST', reason: 'fast connector' }, 'same-pass-1');
    const at = new Date().toISOString();
    const attributes = { action_id, flow_source: 'cashtrace', flow_target: 'billing' };
    await ingestEvents(
      rt,
      [
        ev({ type: 'sync.requested', source: 'middleware', entity_type: 'sync', entity_id: 'RUN-FAST-1', refs: ['psa:milestone:MS-FAST'], occurred_at: at, attributes }),
        ev({ type: 'sync.succeeded', source: 'middleware', entity_type: 'sync', entity_id: 'RUN-FAST-2', refs: ['psa:milestone:MS-FAST'], occurred_at: at, attributes }),
      ],
      { collector: 'test' },
    );
    const steps = await verifyPending(rt);
    expect(steps.map((s) => s.status)).toEqual(['acknowledged', 'verified']);
    expect((await getAction(store, action_id))!.history.map((h) => h.status)).toEqual(['requested', 'sent', 'acknowledged', 'verified']);
    await rt.shutdown();
  });
});

describe('the demo behaviour', () => {
  it('is stable per record and mixes fast successes, slow ones and failures', () => {
    const cmds = Array.from({ length: 400 }, (_, i) => ({ action_id: `a${i}`, kind: 'resync', target: 'erp', entity_key: `psa:milestone:MS-${i}` }));
    const b = cmds.map(defaultBehaviour);
    expect(cmds.map(defaultBehaviour)).toEqual(b);
    const failed = b.filter((x) => x.outcome === 'fail').length / b.length;
    const slow = b.filter((x) => x.outcome === 'succeed' && x.delayMs >= 6000).length / b.length;
    expect(failed).toBeGreaterThan(0.05);
    expect(failed).toBeLessThan(0.16);
    expect(slow).toBeGreaterThan(0.08);
    expect(slow).toBeLessThan(0.22);
  });
});
