// The processes the benchmark measures: a production build of the app (built once into
// its own dist dir), `next start` on a free port with a fresh data directory, optionally
// pointed at a nats-server with JetStream started for the run.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, startNatsServer, type NatsServer } from '../lib/testing/nats';
import { removeTempDir, tempDir } from '../lib/testing/temp-dir';
import { secretEnv } from './collectors';
import { buildIsCurrent } from '../scripts/build-freshness.mjs';

export const DIST_DIR = '.next-bench';
const ROOT = path.resolve(import.meta.dirname, '..');
const NEXT_BIN = path.join(ROOT, 'node_modules', '.bin', 'next');

function otherBuildRunning(): boolean {
  const r = spawnSync('pgrep', ['-f', 'next build'], { encoding: 'utf8' });
  return r.stdout.split('\n').some((pid) => pid.trim() && Number(pid) !== process.pid);
}

/** Builds the app into .next-bench unless the build there is newer than its sources (waiting for any other engineer's build to finish first). */
export async function buildApp(log: (l: string) => void, force: boolean): Promise<void> {
  if (!force && buildIsCurrent(ROOT, DIST_DIR)) {
    log(`reusing the production build in ${DIST_DIR}, newer than its sources (BENCH_REBUILD=1 to rebuild)`);
    return;
  }
  while (otherBuildRunning()) {
    log('another next build is running; waiting …');
    await new Promise((r) => setTimeout(r, 5000));
  }
  log(`building the app into ${DIST_DIR} …`);
  const started = Date.now();
  const r = spawnSync(NEXT_BIN, ['build'], { cwd: ROOT, env: { ...process.env, CASHTRACE_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' }, encoding: 'utf8' });
  if (r.status !== 0) {
    const text = r.stdout + r.stderr;
    const errorLines = text.split('\n').filter((l) => /error/i.test(l) && !/warning/i.test(l));
    throw new Error(`next build failed:\n${errorLines.slice(0, 20).join('\n')}\n…\n${text.slice(-1500)}`);
  }
  log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
}

export interface AppServer {
  url: string;
  /** The `next start` process (the server may run in a child of it). */
  pid: number;
  token: string;
  adminToken: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startApp(opts: { natsUrl?: string; log: (l: string) => void }): Promise<AppServer> {
  const port = await freePort();
  const dataDir = tempDir('cashtrace-bench-app-');
  const token = `bench-ingest-${port}-0123456789abcdef`;
  const adminToken = `bench-admin-${port}-0123456789abcdef`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CASHTRACE_DIST_DIR: DIST_DIR,
    CASHTRACE_DATA_DIR: dataDir,
    CASHTRACE_INGEST_TOKEN: token,
    CASHTRACE_BOOTSTRAP_ADMIN_TOKEN: adminToken,
    CASHTRACE_SIMULATOR: 'off',
    NODE_ENV: 'production',
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: '1',
    ...secretEnv(),
  };
  delete env.NATS_URL;
  if (opts.natsUrl) {
    env.NATS_URL = opts.natsUrl;
    env.CASHTRACE_NATS_PREFIX = `bench${port}`;
  }
  // BENCH_CPU_PROF=<dir>: the app runs under `node --cpu-prof` (a profile per server, written at exit).
  // The V8 flags `npm start` gives the server (scripts/start.mjs: a 64 MB young generation).
  const prof = process.env.BENCH_CPU_PROF;
  const startArgs = ['start', '-p', String(port), '-H', '127.0.0.1'];
  const nodeFlags = ['--max-semi-space-size=64', ...(prof ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(prof)] : [])];
  const proc: ChildProcess = spawn(process.execPath, [...nodeFlags, fs.realpathSync(NEXT_BIN), ...startArgs], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // BENCH_APP_LOG=<file>: the app servers' output is appended there too.
  const logFile = process.env.BENCH_APP_LOG;
  if (logFile) {
    proc.stdout!.on('data', (d) => fs.appendFileSync(logFile, d));
    proc.stderr!.on('data', (d) => fs.appendFileSync(logFile, d));
  }
  proc.stdout!.on('data', (d) => (output = (output + d).slice(-4000)));
  proc.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`next start exited with ${proc.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`the app did not become healthy within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    pid: proc.pid!,
    token,
    adminToken,
    dataDir,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
      removeTempDir(dataDir);
    },
  };
}

export async function startNats(): Promise<NatsServer> {
  return startNatsServer();
}
