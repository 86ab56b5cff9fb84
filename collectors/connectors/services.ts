// Background services of the actions work inside the app process, started once per
// runtime: the simulated connectors (CASHTRACE_CONNECTORS=simulated), the action verifier
// and the alert evaluator. Called from instrumentation.ts at start and, lazily, by the
// action routes (idempotent).

import { env } from '../../lib/env';
import { oncePer } from '../../lib/once';
import type { Runtime } from '../../lib/runtime';
import { startVerifier } from '../../lib/actions/verifier';
import { startAlertEvaluator } from '../../lib/alerts/evaluator';
import { startSimulatedConnectors } from './simulated';

/** Once per runtime (lib/once.ts: not per module copy, or every service would run twice). */
export function ensureActionServices(rt: Runtime): Promise<void> {
  return oncePer(rt, 'actionServices', async () => {
    if (env().CASHTRACE_CONNECTORS === 'simulated') rt.onShutdown(await startSimulatedConnectors(rt));
    rt.onShutdown(startVerifier(rt));
    rt.onShutdown(startAlertEvaluator(rt));
  });
}
