// npm start's script on a port something already answers on (here a stand-in that says it
// is healthy, as another Cashtrace would): it stops at once, naming the port, before any
// build — it used to take the other server's health for its own and say it was running.

import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDir, tempDir } from '../lib/testing/temp-dir';

const dataDir = tempDir('cashtrace-start-');
afterAll(() => removeTempDir(dataDir));

/** npm start's script with `extra` in its environment, until it exits (killed after 30 s). */
async function start(extra: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: path.resolve(__dirname, '..'),
    // A dist dir that has no build: a start that got as far as the build would begin one.
    env: { ...process.env, CASHTRACE_DATA_DIR: dataDir, CASHTRACE_DIST_DIR: '.next-none', CASHTRACE_SIMULATOR: 'off', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  return { code, out };
}

describe('npm start with a keep-alive that is not milliseconds', () => {
  it('exits 1 naming the variable, before anything starts', async () => {
    for (const bad of ['5s', '0', '-1', '12']) {
      const { code, out } = await start({ PORT: '1', CASHTRACE_KEEP_ALIVE_MS: bad });
      expect(code, out).toBe(1);
      expect(out).toContain(`[cashtrace] CASHTRACE_KEEP_ALIVE_MS must be milliseconds between 100 and 99999999, not "${bad}"`);
      expect(out).not.toContain('port 1 is already in use');
    }
  }, 60_000);
});

describe('npm start on a port in use', () => {
  it('exits 1 with the port and what to do, without building or claiming to run', async () => {
    let healthCalls = 0;
    const other = http.createServer((req, res) => {
      if (req.url === '/api/health') healthCalls++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((r) => other.listen(0, r));
    const port = (other.address() as AddressInfo).port;
    try {
      const { code, out } = await start({ PORT: String(port) });
      expect(code, out).toBe(1);
      expect(out).toContain(`[cashtrace] port ${port} is already in use (another Cashtrace, or another program, listens there): stop it, or start on another port, e.g. PORT=${port + 1} npm start`);
      expect(out).not.toContain('building the dashboard');
      expect(out).not.toContain('Cashtrace is running');
      expect(healthCalls).toBe(0);
    } finally {
      await new Promise((r) => other.close(r));
    }
  }, 40_000);
});
