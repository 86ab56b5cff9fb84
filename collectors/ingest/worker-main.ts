// The standalone ingest worker (`npm run ingest-worker`): NATS ingest stream ▶ write
// buffer ▶ ClickHouse. Run one per deployment when the web app runs with
// CASHTRACE_INGEST_WORKER=off (it owns the stitching graph). Drains on SIGTERM.

import { env } from '../../lib/env';
import { createRuntime } from '../../lib/runtime';
import { metrics } from '../../lib/observability/metrics';

async function main(): Promise<void> {
  const e = env();
  if (!e.NATS_URL) throw new Error('NATS_URL must be set: the standalone worker consumes the JetStream ingest stream');
  const rt = await createRuntime({ worker: true });
  console.log(`[ingest-worker] consuming ${e.CASHTRACE_NATS_PREFIX}.ingest.> into ClickHouse (${rt.store.kind})`);
  let last = '';
  const timer = setInterval(() => {
    // the clocks' backlog too: the web processes cannot see it (GET /api/freshness answers unknown there)
    const clocks = rt.writer?.clocks.status();
    const behind = clocks?.behindSince ? `; ${clocks.pendingDeals} deals wait for the clocks' refresh since ${clocks.behindSince.toISOString()}` : '';
    const line = `inserted ${metrics().eventsInserted.get()} duplicates ${metrics().eventsDuplicate.get()}${behind}`;
    if (line !== last) console.log(`[ingest-worker] ${line}`);
    last = line;
  }, 200);
  const stop = async (sig: string) => {
    console.log(`[ingest-worker] ${sig}: draining`);
    clearInterval(timer);
    await rt.shutdown();
    await rt.store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(`[ingest-worker] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
