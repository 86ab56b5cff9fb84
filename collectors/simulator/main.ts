// `npm run simulate [off|backfill|live]`: the synthetic firm feeding a running Cashtrace.
// Backfill sends the last CASHTRACE_SIMULATOR_DAYS days of history; live then continues
// the same world (CASHTRACE_SIMULATOR_SPEED simulated minutes per wall second).
// Target: CASHTRACE_URL (default http://127.0.0.1:$PORT), token: CASHTRACE_INGEST_TOKEN
// or <CASHTRACE_DATA_DIR>/ingest-token (written by the server on first start).

import fs from 'node:fs';
import path from 'node:path';
import { env } from '../../lib/env';
import { Progress, runBackfill, runLive } from './runner';
import { canonicalSink, type Sink } from './sink';
import { generateEvents } from './generate';
import { nativeSink } from './native-sink';

const log = (line: string) => console.log(line);

async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    if (!announced) log(`[simulator] waiting for ${what} …`);
    announced = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<void> {
  const e = env();
  const arg = process.argv[2];
  const mode = arg === 'off' || arg === 'backfill' || arg === 'live' ? arg : e.CASHTRACE_SIMULATOR;
  if (mode === 'off') {
    log('[simulator] CASHTRACE_SIMULATOR=off: nothing to do (pass backfill or live, or set the variable)');
    return;
  }
  const baseUrl = e.CASHTRACE_URL ?? `http://127.0.0.1:${e.PORT}`;
  await waitFor(`Cashtrace at ${baseUrl}`, async () => ((await fetch(new URL('/api/health', baseUrl))).status > 0 ? true : null), 300_000);
  const tokenFile = path.resolve(e.CASHTRACE_DATA_DIR, 'ingest-token');
  const token = e.CASHTRACE_INGEST_TOKEN ?? (await waitFor(`the ingest token in ${tokenFile}`, async () => fs.readFileSync(tokenFile, 'utf8').trim() || null, 60_000));

  const now = Date.now();
  // Deals are paced over a window ending at the next UTC midnight: restarting the same day
  // regenerates the same world (same times, same event_ids), so nothing is doubled.
  const anchor = Math.ceil(now / 86_400_000) * 86_400_000;
  const o = { seed: e.CASHTRACE_SIMULATOR_SEED, deals: e.CASHTRACE_SIMULATOR_DEALS, days: e.CASHTRACE_SIMULATOR_DAYS, now, anchor };
  // Native by default: every system speaks its own format through its collector; the
  // canonical endpoint carries what a vendor format cannot, and the backfill's history,
  // mapped by the collectors' parsers, with the times it was received (see native-sink.ts).
  const sample = () => [...generateEvents({ ...o, deals: Math.min(o.deals, 200), duplicates: false, upToNow: false })];
  const sink: Sink = (e.CASHTRACE_SIMULATOR_SINK ?? 'native') === 'native' ? await nativeSink({ baseUrl, token, log, secrets: e, sample: sample(), history: 'receipt' }) : canonicalSink({ baseUrl, token, log });
  log(`[simulator] seed ${o.seed}, ${o.deals} deals over ${o.days} days, sink ${sink.name} ▶ ${baseUrl}`);

  const progress = new Progress(log);
  const { held } = await runBackfill(o, sink, progress);
  log(progress.line('backfill done'));
  if (mode === 'backfill') return;

  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log(`[simulator] live: ${e.CASHTRACE_SIMULATOR_SPEED === 1 / 60 ? 'real time' : `${e.CASHTRACE_SIMULATOR_SPEED} simulated minutes per second`}, ${held.size} events waiting`);
  await runLive(o, sink, progress, held, { speed: e.CASHTRACE_SIMULATOR_SPEED, signal: ac.signal });
  log(progress.line('stopped'));
}

main().catch((err) => {
  console.error(`[simulator] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
