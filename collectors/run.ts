// `npm run collectors`: the standalone collector process. Serves every collector route
// (/api/ingest/<source>, /v1/traces) on CASHTRACE_COLLECTORS_PORT. With NATS_URL set it
// publishes accepted events onto NATS and leaves writing to the ingest worker; without
// it, it writes to ClickHouse itself (embedded chDB in CASHTRACE_DATA_DIR or CLICKHOUSE_URL).

import { env } from '@/lib/env';
import { createRuntime, type Runtime } from '@/lib/runtime';
import { collectorRoutes } from './registry';
import { createCollectorServer, listen } from './server';

async function main(): Promise<void> {
  const e = env();
  const rt: Runtime = await createRuntime({ worker: e.NATS_URL ? false : true });
  const server = createCollectorServer(collectorRoutes(async () => rt));
  const host = e.CASHTRACE_COLLECTORS_HOST;
  const port = await listen(server, e.CASHTRACE_COLLECTORS_PORT, host);
  console.log(`[collectors] listening on http://${host}:${port} (bus: ${rt.bus.kind}); routes: ${[...collectorRoutes().keys()].join(' ')}`);
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[collectors] ${sig}: closing`);
    server.close();
    await rt.shutdown().catch((err) => console.error('[collectors] shutdown error', err));
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error('[collectors] failed to start:', err);
  process.exit(1);
});
