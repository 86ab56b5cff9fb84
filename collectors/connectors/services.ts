// Background services of the actions work inside the app process, started once per
// runtime: the simulated connectors (CASHTRACE_CONNECTORS=simulated), the action verifier
// and the alert evaluator. Called from instrumentation.ts at start and, lazily, by the
// action routes (idempotent).

import { env } from '../../lib/env';
import type { Runtime } from '../../lib/runtime';
import { startVerifier } from '../../lib/actions/verifier';
import { startAlertEvaluator } from '../../lib/alerts/evaluator';
import { startSimulatedConnectors } from './simulated';

// Kept on the runtime object itself, not in a module-level map: Next.js bundles
// instrumentation.ts and the route handlers separately, so this module can be loaded twice
// while the runtime (a globalThis singleton) is shared — a module map would start every
// service twice (two verifiers, two connector subscriptions answering each command).
const KEY = Symbol.for('cashtrace.actionServices');
type Marked = Runtime & { [KEY]?: Promise<void> };

export function ensureActionServices(rt: Runtime): Promise<void> {
  const marked = rt as Marked;
  let p = marked[KEY];
  if (!p) {
    p = (async () => {
      if (env().CASHTRACE_CONNECTORS === 'simulated') await startSimulatedConnectors(rt);
      startVerifier(rt);
      startAlertEvaluator(rt);
    })();
    marked[KEY] = p;
  }
  return p;
}
