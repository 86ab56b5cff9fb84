// `npm run bench:export`: the largest CSV exports (every deal, every SLA breach, every open
// receivable) through their routes on a loaded store (BENCH_CLOCK_EVENTS, default 1M;
// BENCH_STORE_DIR keeps it between runs, shared with bench/clocks.ts). Exports are
// streamed, a page at a time (lib/http/csv.ts); each is read to its end as a client would,
// and the run prints its rows, size, time to the first byte and to the last, and the JS
// heap above its level before the export: its peak (garbage included: the pages parsed and
// dropped, which V8 collects late when it has room) and, in a second read of the same
// export, the most it held live (collected after each page taken: what the export keeps,
// the figure that must not grow with its length). Run with node's --expose-gc (the npm
// script does).

import { env } from '../lib/env';
import { TEST_ADMIN_TOKEN, adminGet } from '../lib/testing/test-runtime';
import { openBenchStore } from './data';
import { tempDir } from '../lib/testing/temp-dir';

const log = (l: string) => console.log(`[bench:export] ${l}`);

const EXPORTS = [
  { name: 'every deal', path: '/api/deals?format=csv', route: () => import('../app/api/deals/route') },
  { name: 'every SLA breach', path: '/api/sla/breaches?format=csv', route: () => import('../app/api/sla/breaches/route') },
  { name: 'receivables (invoice-not-collected)', path: '/api/stuck?rule=invoice-not-collected&format=csv', route: () => import('../app/api/stuck/route') },
];

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

async function main(): Promise<void> {
  const e = env();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) log('no --expose-gc: heap figures include garbage from before each export');
  const { store, now, close } = await openBenchStore({ dir: e.BENCH_STORE_DIR, events: e.BENCH_CLOCK_EVENTS, settleS: e.BENCH_SETTLE_S, log });
  // the routes' runtime on the loaded store (its writer idle: nothing is ingested here)
  process.env.CASHTRACE_BOOTSTRAP_ADMIN_TOKEN = TEST_ADMIN_TOKEN;
  process.env.CASHTRACE_SIMULATOR = 'off';
  process.env.CASHTRACE_DATA_DIR = tempDir('cashtrace-bench-export-'); // its generated secrets
  const { resetEnvForTests } = await import('../lib/env');
  resetEnvForTests();
  const { createRuntime } = await import('../lib/runtime');
  const g = globalThis as unknown as { __cashtraceRuntime?: Promise<unknown> };
  const rt = await createRuntime({ store, natsUrl: null });
  g.__cashtraceRuntime = Promise.resolve(rt);
  const at = `&now=${encodeURIComponent(now.toISOString())}`;

  console.log('| export | rows | file MB | first byte ms | whole s | rows/s | heap peak above start MB | live heap max above start MB |\n|---|---:|---:|---:|---:|---:|---:|---:|');
  // `npm run bench:export -- deal`: only the exports whose name contains the word
  const only = process.argv[2];
  for (const x of EXPORTS.filter((e) => !only || e.name.includes(only))) {
    const { GET } = await x.route();
    // one untimed run (caches, the first query of its shape), then the measured one
    await (await GET(adminGet(x.path + at))).arrayBuffer();
    gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
    const t0 = performance.now();
    const res = await GET(adminGet(x.path + at));
    if (res.status !== 200) throw new Error(`${x.path}: HTTP ${res.status} ${await res.text()}`);
    const reader = res.body!.getReader();
    let first = 0;
    let bytes = 0;
    let lines = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!first) first = performance.now() - t0;
      bytes += value.length;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const whole = (performance.now() - t0) / 1000;
    clearInterval(sample);
    const rows = lines - 1;
    // again, collecting after each page taken: the most the export holds live
    let live = 0;
    if (gc) {
      gc();
      const liveBase = process.memoryUsage().heapUsed;
      const again = (await GET(adminGet(x.path + at))).body!.getReader();
      while (!(await again.read()).done) {
        gc();
        live = Math.max(live, process.memoryUsage().heapUsed - liveBase);
      }
    }
    console.log(`| ${x.name} | ${rows.toLocaleString('en-US')} | ${mb(bytes)} | ${first.toFixed(0)} | ${whole.toFixed(2)} | ${Math.round(rows / whole).toLocaleString('en-US')} | ${mb(peak - base)} | ${gc ? mb(live) : '–'} |`);
  }
  await rt.shutdown();
  await close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
