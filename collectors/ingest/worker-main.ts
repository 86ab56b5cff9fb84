// The standalone ingest worker (`npm run ingest-worker`): NATS ingest stream ▶ write
// buffer ▶ ClickHouse. One writes per deployment (it owns the stitching graph): run it with
// the web app at CASHTRACE_INGEST_WORKER=off; a second one waits as a standby and takes over
// when the first is gone (the writer's lease). Drains on SIGTERM and hands the lease over.
// A worker that loses its lease stops writing, closes the store (an embedded data directory
// takes one process: a standby may need it) and waits as a standby itself; once it takes the
// lease back it opens the store and starts its writer afresh.

import { env } from '../../lib/env';
import { createRuntime, type Runtime } from '../../lib/runtime';
import { metrics } from '../../lib/observability/metrics';
import { connectNats, natsAuth } from '../../lib/bus/nats-connect';
import { acquireWriterLease } from '../../lib/bus/writer-lease';
import { streamCopies } from '../../lib/bus/jetstream';

async function main(): Promise<void> {
  const e = env();
  if (!e.NATS_URL) throw new Error('NATS_URL must be set: the standalone worker consumes the JetStream ingest stream');
  const nc = await connectNats(e.NATS_URL, natsAuth(e));
  // SIGTERM / SIGINT: stop waiting as a standby, or drain the writer and hand the lease over.
  const stopping = new AbortController();
  let signalled = '';
  const stopped = new Promise<string>((resolve) => {
    const on = (sig: string) => {
      if (signalled) return;
      signalled = sig;
      stopping.abort();
      resolve(sig);
    };
    process.once('SIGTERM', () => on('SIGTERM'));
    process.once('SIGINT', () => on('SIGINT'));
  });
  for (;;) {
    // One writer per deployment: a second worker waits here as a standby, before it opens the
    // store, and takes over when the lease is released or expires (lib/bus/writer-lease.ts).
    let onLost: (why: string) => void = () => undefined;
    const lost = new Promise<string>((resolve) => (onLost = resolve));
    const lease = await acquireWriterLease(nc, e.CASHTRACE_NATS_PREFIX, {
      ttlMs: e.CASHTRACE_WRITER_LEASE_S * 1000,
      replicas: streamCopies(nc, e.NATS_URL, e.CASHTRACE_NATS_REPLICAS).wanted,
      wait: true,
      signal: stopping.signal,
      onLost: (why) => onLost(why),
      log: (line) => console.log(`[ingest-worker] ${line}`),
    });
    if (!lease) break; // signalled while waiting
    console.log(`[ingest-worker] holds the writer's lease (${lease.holder.host} pid ${lease.holder.pid})`);
    const rt = await createRuntime({ worker: true, lease });
    console.log(`[ingest-worker] consuming ${e.CASHTRACE_NATS_PREFIX}.ingest.> into ClickHouse (${rt.store.kind})`);
    const timer = progress(rt);
    const outcome = await Promise.race([lost.then((why) => ({ why })), stopped.then((sig) => ({ sig }))]);
    clearInterval(timer);
    if ('why' in outcome) {
      metrics().leaseLosses.inc();
      console.error(`[ingest-worker] the writer's lease is lost: ${outcome.why}; stops writing and waits as a standby to take it again`);
    } else {
      console.log(`[ingest-worker] ${outcome.sig}: draining`);
    }
    // Lost: what the buffer holds is refused by the fence (a server store) or written (an
    // embedded one, which no other process can write); what was not stored is delivered again.
    await rt.shutdown().catch((err: unknown) => console.error(`[ingest-worker] stopping the writer: ${err instanceof Error ? err.message : String(err)}`));
    await rt.store.close();
    if (!('why' in outcome) || signalled) break;
  }
  await nc.close();
  process.exit(0);
}

/** Logs what was inserted, when it changed. */
function progress(rt: Runtime): NodeJS.Timeout {
  let last = '';
  return setInterval(() => {
    // the clocks' backlog too: the web processes cannot see it (GET /api/freshness answers unknown there)
    const clocks = rt.writer?.clocks.status();
    const behind = clocks?.behindSince ? `; ${clocks.pendingDeals} deals wait for the clocks' refresh since ${clocks.behindSince.toISOString()}` : '';
    const line = `inserted ${metrics().eventsInserted.get()} duplicates ${metrics().eventsDuplicate.get()}${behind}`;
    if (line !== last) console.log(`[ingest-worker] ${line}`);
    last = line;
  }, 200);
}

main().catch((err) => {
  console.error(`[ingest-worker] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
