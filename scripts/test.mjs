#!/usr/bin/env node
// `npm test`: the whole suite — unit and integration tests (vitest, against chDB and a
// real nats-server) then end-to-end tests (Playwright in Debian Chromium against the
// built app) — and one plain total line: `N passed, N failed`.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
fs.mkdirSync('test-results', { recursive: true });

const need = [
  ['nats-server', ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'], 'apt-get install -y nats-server'],
  ['chromium', ['/usr/bin/chromium'], 'apt-get install -y chromium'],
];
for (const [name, paths, fix] of need) {
  if (!paths.some((p) => fs.existsSync(p))) {
    console.error(`[test] ${name} is missing: ${fix} (or run .ci/run, which installs it)`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
let passed = 0;
let failed = 0;
// What failed, repeated just above the total line so the tail of a CI log names it.
const failures = [];
const firstLines = (msg, n = 6) => String(msg ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim() && !/node_modules|node:internal|new Promise/.test(l)).slice(0, n).join('\n      ');

// vitest's JSON report keeps a timed-out test's stack but not its message: say what it was.
const timeoutNamed = (msg, ms) => msg.replace(/^Error: STACK_TRACE_ERROR/, `Error: timed out after ${((ms ?? 0) / 1000).toFixed(1)} s (the test's time limit)`);

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

// 1. vitest
const vitestJson = 'test-results/vitest.json';
fs.rmSync(vitestJson, { force: true });
const v = spawnSync(bin('vitest'), ['run', ...process.argv.slice(2), '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`], { stdio: 'inherit' });
const vr = readJson(vitestJson);
if (vr) {
  passed += vr.numPassedTests;
  failed += vr.numFailedTests + (vr.numFailedTestSuites > 0 && vr.numFailedTests === 0 ? vr.numFailedTestSuites : 0);
  for (const file of vr.testResults ?? []) {
    const rel = path.relative(root, file.name);
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) failures.push(`${rel} › ${t.fullName}\n      ${firstLines(timeoutNamed((t.failureMessages ?? []).join('\n'), t.duration))}`);
    if (failedTests.length === 0 && file.status === 'failed') failures.push(`${rel} (suite)\n      ${firstLines(file.message)}`);
  }
} else {
  console.error(`[test] vitest produced no report (exit ${v.status})`);
  failed += 1;
}

// 2. Playwright: the app on embedded chDB, and again on a ClickHouse server over HTTP with
// NATS JetStream (CASHTRACE_E2E_STORE=server: lib/testing/clickhouse-server-main.ts) unless
// CASHTRACE_SKIP_E2E_SERVER=1. One build (the e2e dist dir of e2e/env.ts), then both passes
// at once, each with its own ports, data directory, report and artefacts: one pass alone left a
// core idle much of the time (2026-12-07, fresh clone: both at once 6.1 min with the build,
// against 4.2 + 3.4 one after the other; the machine ~85 % busy meanwhile).
const E2E_DIST_DIR = '.next-e2e';

/** `n` ports free now, distinct: all held open together while chosen. */
async function freePorts(n) {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Runs a pass; with `prefix`, each line of its output is printed with it (passes run at once). */
function playwright(label, env, report, prefix) {
  fs.rmSync(report, { force: true });
  // The app's data directory for the run (e2e/env.ts reads it), removed when Playwright is done.
  const e2eDataDir = process.env.CASHTRACE_E2E_DATA_DIR ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-e2e-'));
  const child = spawn(bin('playwright'), ['test'], {
    stdio: prefix ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...process.env, ...env, CASHTRACE_E2E_REPORT: report, ...(e2eDataDir ? { CASHTRACE_E2E_DATA_DIR: e2eDataDir } : {}) },
  });
  if (prefix) {
    for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      let rest = '';
      from.setEncoding('utf8');
      from.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) to.write(`${prefix}${line}\n`);
      });
      from.on('end', () => rest && to.write(`${prefix}${rest}\n`));
    }
  }
  return new Promise((resolve) => child.on('close', resolve)).then((status) => {
    try {
      if (e2eDataDir) fs.rmSync(e2eDataDir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      console.error(`[test] could not remove ${e2eDataDir}: ${err.message}`);
    }
    tally(label, report, status);
  });
}

/**
 * What the page said when a test failed, from Playwright's error context (its ARIA snapshot;
 * the screenshot stays in test-results): its headings, alerts, statuses and loading or error
 * lines, so a log alone (CI's) tells an error shown from a click that did nothing.
 */
function pageAtFailure(result) {
  const file = (result?.attachments ?? []).find((a) => a.name === 'error-context' && a.path)?.path;
  let text;
  try {
    text = file ? fs.readFileSync(file, 'utf8') : '';
  } catch {
    return '';
  }
  const snapshot = /```yaml\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  const telling = snapshot.split('\n').filter((l) => /heading|alert|status|error|not found|loading|could not|failed/i.test(l));
  if (telling.length === 0) return '';
  const shown = telling.slice(0, 25).map((l) => l.trim().slice(0, 200));
  return `\n      the page at the failure (headings, alerts, statuses${telling.length > shown.length ? `; ${shown.length} of ${telling.length} lines` : ''}):\n        ${shown.join('\n        ')}`;
}

function tally(label, report, status) {
  const pr = readJson(report);
  if (pr?.stats) {
    passed += pr.stats.expected + (pr.stats.flaky ?? 0);
    failed += pr.stats.unexpected;
    if ((pr.errors ?? []).length > 0 && pr.stats.expected + pr.stats.unexpected === 0) failed += 1;
    const walk = (suite, trail) => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests ?? []) {
          if (t.status !== 'unexpected') continue;
          const last = (t.results ?? []).at(-1);
          failures.push(`${label}${spec.file}:${spec.line} › ${[...trail, spec.title].join(' › ')}\n      ${firstLines(last?.error?.message)}${pageAtFailure(last)}`);
        }
      }
      for (const s of suite.suites ?? []) walk(s, suite.title && !suite.title.endsWith('.ts') ? [...trail, suite.title] : trail);
    };
    for (const s of pr.suites ?? []) walk(s, []);
    for (const e of pr.errors ?? []) failures.push(`${label}Playwright: ${firstLines(e.message)}`);
  } else {
    console.error(`[test] ${label}Playwright produced no report (exit ${status})`);
    failed += 1;
  }
}

if (fs.existsSync('playwright.config.ts') && process.env.CASHTRACE_SKIP_E2E !== '1') {
  const both = process.env.CASHTRACE_SKIP_E2E_SERVER !== '1';
  console.log(`\n[test] building the app for the end-to-end tests (${E2E_DIST_DIR})`);
  const built = spawnSync(bin('next'), ['build'], { stdio: 'inherit', env: { ...process.env, CASHTRACE_DIST_DIR: E2E_DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' } });
  if (built.status !== 0) {
    failures.push(`the end-to-end tests' build (next build, exit ${built.status}): see the output above`);
    failed += 1;
  } else if (!both) {
    await playwright('', { E2E_SKIP_BUILD: '1' }, 'test-results/e2e.json', null);
  } else {
    // scaled out: a ClickHouse server over HTTP and NATS JetStream
    console.log('[test] end-to-end, at once: the app on embedded chDB (lines [embedded]) and on a ClickHouse server over HTTP with NATS JetStream (lines [server], CASHTRACE_E2E_STORE=server, CASHTRACE_E2E_BUS=nats)');
    const [app1, app2, ch, nats] = await freePorts(4);
    await Promise.all([
      playwright('', { E2E_SKIP_BUILD: '1', CASHTRACE_E2E_PORT: String(app1) }, 'test-results/e2e.json', '[embedded] '),
      playwright(
        '[server store, NATS] ',
        { CASHTRACE_E2E_STORE: 'server', CASHTRACE_E2E_BUS: 'nats', E2E_SKIP_BUILD: '1', CASHTRACE_E2E_PORT: String(app2), CASHTRACE_E2E_CH_PORT: String(ch), CASHTRACE_E2E_NATS_PORT: String(nats) },
        'test-results/e2e-server.json',
        '[server] ',
      ),
    ]);
  }
}

if (failures.length > 0) console.log(`\nFailed:\n${failures.map((f) => `  ✗ ${f}`).join('\n')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
