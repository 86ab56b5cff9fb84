// Test support: a fresh chDB store, a runtime on it and the collector routes served on a
// free local port (collectors/server.ts), torn down together.

import type http from 'node:http';
import type { Store } from '@/lib/clickhouse/client';
import { createRuntime, type Runtime } from '@/lib/runtime';
import { openTempStore } from '@/lib/testing/temp-store';
import { collectorRoutes, type RouteHandler } from '../registry';
import { createCollectorServer, listen } from '../server';

export interface CollectorTestServer {
  store: Store;
  rt: Runtime;
  server: http.Server;
  base: string;
  close(): Promise<void>;
}

export async function startCollectorTestServer(extraRoutes: Record<string, () => Promise<RouteHandler>> = {}): Promise<CollectorTestServer> {
  const { store } = await openTempStore();
  const rt = await createRuntime({ store, natsUrl: null, worker: true });
  // The app's route modules use getRuntime(): give them this runtime (one chDB per process).
  (globalThis as { __cashtraceRuntime?: Promise<Runtime> }).__cashtraceRuntime = Promise.resolve(rt);
  const routes = collectorRoutes(async () => rt);
  for (const [path, load] of Object.entries(extraRoutes)) routes.set(path, await load());
  const server = createCollectorServer(routes);
  const base = `http://127.0.0.1:${await listen(server, 0)}`;
  return {
    store,
    rt,
    server,
    base,
    async close() {
      server.close();
      await rt.shutdown();
      await store.close();
    },
  };
}
