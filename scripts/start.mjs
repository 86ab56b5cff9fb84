#!/usr/bin/env node
// `npm start`: builds the app if needed, starts it on PORT (default 3000) and, unless
// CASHTRACE_SIMULATOR=off, the demo firm's simulator feeding it live data.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { buildIsCurrent } from './build-freshness.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
const env = { ...process.env };
env.PORT ||= '3000';
env.CASHTRACE_DATA_DIR ||= './data';
env.CASHTRACE_SIMULATOR ||= 'live';
// How long the server keeps an idle keep-alive connection (Node's default is 5 s): a client
// that sends on a connection the server is closing at that moment gets ECONNRESET, so the
// server should wait longer than any proxy, load balancer or client keeps one idle (AWS ALB
// 60 s, nginx upstream keepalive_timeout 60 s).
env.CASHTRACE_KEEP_ALIVE_MS ||= '65000';
if (!/^[1-9][0-9]{2,7}$/.test(env.CASHTRACE_KEEP_ALIVE_MS)) {
  console.error(`[cashtrace] CASHTRACE_KEEP_ALIVE_MS must be milliseconds between 100 and 99999999, not "${env.CASHTRACE_KEEP_ALIVE_MS}"`);
  process.exit(1);
}
const distDir = env.CASHTRACE_DIST_DIR || '.next';
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

// A port already taken stops here, before a build: otherwise the server fails to listen
// while the health check below reaches whatever answers on that port (another Cashtrace
// said "running" for this one, and the simulator would have fed it).
async function portInUse(port) {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    probe.listen(Number(port), () => probe.close(() => resolve(false)));
  });
}
async function stopIfPortInUse() {
  if (!(await portInUse(env.PORT))) return;
  console.error(`[cashtrace] port ${env.PORT} is already in use (another Cashtrace, or another program, listens there): stop it, or start on another port, e.g. PORT=${Number(env.PORT) + 1} npm start`);
  process.exit(1);
}
await stopIfPortInUse();

if (!buildIsCurrent(root, distDir)) {
  console.log('[cashtrace] building the dashboard (first start or sources changed)…');
  const r = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// One ingest token shared by the server and the simulator; kept beside the data.
if (!env.CASHTRACE_INGEST_TOKEN) {
  const file = path.resolve(env.CASHTRACE_DATA_DIR, 'ingest-token');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, `ct_ingest_${crypto.randomBytes(24).toString('base64url')}`, { mode: 0o600 });
  env.CASHTRACE_INGEST_TOKEN = fs.readFileSync(file, 'utf8').trim();
}

// Demo signing secrets, so the simulator can sign each vendor's native webhooks and the
// collectors verify them exactly as in production. Real deployments set their own.
const demoSecretsFile = path.resolve(env.CASHTRACE_DATA_DIR, 'demo-secrets.json');
const signedSources = ['STRIPE', 'HUBSPOT', 'DOCUSIGN', 'QUICKBOOKS', 'XERO', 'NETSUITE'];
if (signedSources.some((s) => !env[`CASHTRACE_${s}_SECRET`])) {
  let secrets = {};
  try {
    secrets = JSON.parse(fs.readFileSync(demoSecretsFile, 'utf8'));
  } catch {
    for (const s of signedSources) secrets[s] = (s === 'STRIPE' ? 'whsec_' : '') + crypto.randomBytes(24).toString('base64url');
    fs.mkdirSync(path.dirname(demoSecretsFile), { recursive: true });
    fs.writeFileSync(demoSecretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  for (const s of signedSources) env[`CASHTRACE_${s}_SECRET`] ||= secrets[s];
}

const children = [];
function run(name, args, extraEnv = {}) {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (name === 'server') {
      console.log(`[cashtrace] server exited (${signal ?? code})`);
      shutdown(code ?? 1);
    }
  });
  return child;
}

const SHUTDOWN_GRACE_MS = 120_000;
let stopping = false;
function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  // The server drains its write buffer and lets the clocks catch up before it exits; one
  // still running after SHUTDOWN_GRACE_MS is killed rather than left behind holding the
  // data directory (what was accepted is already stored: only derived figures may lag).
  setTimeout(() => {
    const left = children.filter((c) => c.exitCode === null && c.signalCode === null);
    if (left.length) console.error(`[cashtrace] still stopping after ${SHUTDOWN_GRACE_MS / 1000} s: killed`);
    for (const c of left) c.kill('SIGKILL');
    setTimeout(() => process.exit(code), 1000).unref();
  }, SHUTDOWN_GRACE_MS).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() => process.exit(code));
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

// A larger young generation for the server: ingest allocates ~1 kB of short-lived objects per
// event, and with V8's default 16 MB semi-spaces the scavenges (and their helper threads)
// were a tenth of its CPU; 64 MB: in process 12–20% more events/s (bench/ingest-profile.ts,
// interleaved runs). NODE_OPTIONS can still set it.
const gcFlags = /max-semi-space-size/.test(env.NODE_OPTIONS ?? '') ? [] : ['--max-semi-space-size=64'];
await stopIfPortInUse(); // again: a build takes minutes
// NEXT_MANUAL_SIG_HANDLE: the server's own handler (lib/runtime.ts hookShutdown) drains and
// closes the store before it exits; Next.js's would exit while it drains (see there).
const server = run('server', [...gcFlags, nextBin, 'start', '-p', env.PORT, '--keepAliveTimeout', env.CASHTRACE_KEEP_ALIVE_MS], { NEXT_MANUAL_SIG_HANDLE: 'true' });
const base = `http://127.0.0.1:${env.PORT}`;

async function waitHealthy() {
  for (let i = 0; i < 600 && !stopping; i++) {
    try {
      const r = await fetch(`${base}/api/health`);
      // Healthy, and from this server: one that exited (its port taken after all) is not.
      if (r.ok) return server.exitCode === null && !stopping;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

if (await waitHealthy()) {
  console.log(`\n  Cashtrace is running: http://localhost:${env.PORT}`);
  console.log(`  Ingest token: ${env.CASHTRACE_INGEST_TOKEN}`);
  console.log(`  Simulator: ${env.CASHTRACE_SIMULATOR}\n`);
  if (env.CASHTRACE_SIMULATOR !== 'off' && !stopping) {
    env.CASHTRACE_URL ||= base;
    run('simulator', ['--import', 'tsx', 'collectors/simulator/main.ts']);
  }
} else if (!stopping) {
  console.error('[cashtrace] the server did not become healthy');
  shutdown(1);
}
