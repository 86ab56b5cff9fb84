// In-process ingest harness for profiling (no HTTP, no Next.js): the bench's NDJSON
// bodies through parseEventList ▶ ingestEvents (4 in flight) into a fresh chDB store,
// embedded bus or, with NATS=1, a nats-server started for the run. Run it under
// `npx tsx bench/ingest-profile.ts` with PROFILE=<file.cpuprofile> to profile the timed
// section only (chDB shows up as idle or native time). BENCH_EVENTS sets the number of
// events (default 50k).

import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { parseEventList } from '../lib/http/body';
import { createStore } from '../lib/clickhouse/client';
import { createRuntime } from '../lib/runtime';
import { ingestEvents } from '../lib/ingest/pipeline';
import { metrics } from '../lib/observability/metrics';
import { startNatsServer } from '../lib/testing/nats';
import { tempDir } from '../lib/testing/temp-store';
import { benchEvents, prepareRows } from './data';

process.env.CASHTRACE_INGEST_TOKEN ??= 'profile-ingest-token-0123456789';

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_EVENTS ?? 50_000);
  const now = Date.now();
  const rows = prepareRows(count, 4242, now);
  const warm = [...benchEvents(2000, 4243, now, 120, 50_000_000)].map((b) => JSON.stringify(b.event)).join('\n');
  const dir = tempDir('cashtrace-prof-');
  const nats = process.env.NATS === '1' ? await startNatsServer() : null;
  const store = await createStore({ dataDir: dir });
  const rt = await createRuntime({ store, natsUrl: nats?.url ?? null, worker: true });
  const post = async (body: string) => {
    const { items, parseErrors } = parseEventList(Buffer.from(body), 'application/x-ndjson');
    return ingestEvents(rt, items, { collector: 'events', contentType: 'application/x-ndjson', preRejected: parseErrors });
  };
  const waitInserted = async (n: number) => {
    while (metrics().eventsInserted.get() < n) await new Promise((r) => setTimeout(r, 10));
  };
  await post(warm);
  await waitInserted(2000);
  const before = metrics().eventsInserted.get();
  const profiler = process.env.PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const started = performance.now();
  let next = 0;
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  const worker = async () => {
    while (next < rows.requestBodies.length) {
      const r = await post(rows.requestBodies[next++]);
      accepted += r.accepted;
      duplicates += r.duplicates;
      rejected += r.rejected.length;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const answered = (performance.now() - started) / 1000;
  await waitInserted(before + accepted);
  const inserted = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    fs.writeFileSync(process.env.PROFILE!, JSON.stringify(profile));
  }
  console.log(`${accepted} of ${rows.events.length} accepted (${duplicates} duplicates, ${rejected} rejected); answered ${Math.round(count / answered)}/s, in ClickHouse ${Math.round(count / inserted)}/s`);
  // CPU per event is steadier than rates on a shared machine: process (all threads, chDB included) and main thread.
  if (nats) console.log(metrics().render().split('\n').filter((l) => l.startsWith('cashtrace_ingest_bus_messages_total')).join('\n'));
  console.log(`CPU per event: process ${((cpu.user + cpu.system) / count).toFixed(1)} µs, main thread ${((elu.active * 1000) / count).toFixed(1)} µs`);
  await rt.shutdown();
  await store.close();
  await nats?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
