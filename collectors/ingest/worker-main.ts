// The standalone ingest worker (`npm run ingest-worker`): NATS ingest stream ▶ write
// buffer ▶ ClickHouse. One writes per deployment (it owns the stitching graph): run it with
// the web app at CASHTRACE_INGEST_WORKER=off; a second one waits as a standby and takes over
// when the first is gone (the writer's lease). Drains on SIGTERM and hands the lease over.

import { env } from '../../lib/env';
import { createRuntime } from '../../lib/runtime';
import { metrics } from '../../lib/observability/metrics';
import { connectNats, natsAuth } from '../../lib/bus/nats-connect';
import { acquireWriterLease } from '../../lib/bus/writer-lease';
import { streamCopies } from '../../lib/bus/jetstream';

async function main(): Promise<void> {
  const e = env();
  if (!e.NATS_URL) throw new Error('NATS_URL must be set: the standalone worker consumes the JetStream ingest stream');
  // One writer per deployment: a second worker waits here as a standby, before it opens the
  // store (an embedded data directory takes one process), and takes over when the lease is
  // released or expires (lib/bus/writer-lease.ts).
  const nc = await connectNats(e.NATS_URL, natsAuth(e));
  const lease = await acquireWriterLease(nc, e.CASHTRACE_NATS_PREFIX, {
    ttlMs: e.CASHTRACE_WRITER_LEASE_S * 1000,
    replicas: streamCopies(nc, e.NATS_URL, e.CASHTRACE_NATS_REPLICAS).wanted,
    wait: true,
    onLost: (why) => {
      console.error(`[ingest-worker] the writer's lease is lost: ${why}; stopping now so that only one writer runs`);
      process.exit(75);
    },
    log: (line) => console.log(`[ingest-worker] ${line}`),
  });
  if (!lease) throw new Error('no writer lease');
  console.log(`[ingest-worker] holds the writer's lease (${lease.holder.host} pid ${lease.holder.pid})`);
  const rt = await createRuntime({ worker: true, lease });
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
    await rt.shutdown(); // releases the lease once drained
    await rt.store.close();
    await nc.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(`[ingest-worker] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
