// Test helper: a real ClickHouse server's HTTP interface, so the suite runs Cashtrace's
// server mode (CLICKHOUSE_URL) end to end on a machine where no ClickHouse server package
// can be installed (Debian's is 18.16, npm has none, no container runtime).
//
// The server is ClickHouse 26.x itself — the engine chDB ships as libchdb.so — run as
// `clickhouse-local` with its HTTP listener started (`SYSTEM START LISTEN HTTP`, ClickHouse
// 26.6+, ClickHouse/ClickHouse#101143): ClickHouse's own HTTP handler, users, profiles,
// access checks, settings, sessions, compression and limits (http_max_uri_size …), in a
// process of its own. chDB's Node.js binding only opens connections (no listener can be
// started from them: "start_servers_callback is not set"), so the library's command-line
// entry point is called through Python's ctypes (python3 is on every machine the tests
// run on; .ci/run installs it where it is missing). The listener lives while the
// process's one query blocks reading its stdin: closing stdin stops it, and so does this
// process dying.
//
// For tests only: the product's server mode is for a real server or cluster.

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface ClickHouseServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Stops the server (its data directory stays; the caller removes it). */
  close(): Promise<void>;
}

/** An account of the server's users.xml. */
export interface ServerUser {
  readonly name: string;
  readonly password: string;
  /** A profile of PROFILES (default: `default`). */
  readonly profile?: keyof typeof PROFILES;
  /** GRANT statements (`GRANT … ON … TO` without the `TO`): its only privileges. Default: all. */
  readonly grants?: readonly string[];
}

/** The server's settings profiles: `readonly` is a read-only user's, as deployments give dashboards. */
const PROFILES = { default: '', readonly: '<readonly>1</readonly>' } as const;

const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@chdb/lib-linux-x64-gnu',
  'linux-arm64': '@chdb/lib-linux-arm64-gnu',
};

/** libchdb.so of the installed chdb package (the engine of embedded mode). */
function libchdbPath(): string {
  const pkg = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (!pkg) throw new Error(`no ClickHouse test server on ${process.platform}-${process.arch} (chDB's library is located for Linux only)`);
  const lib = path.join(path.dirname(createRequire(import.meta.url).resolve(pkg)), 'libchdb.so');
  if (!fs.existsSync(lib)) throw new Error(`${lib} is missing: reinstall the chdb package (npm install)`);
  return lib;
}

/** clickhouse-local's command line through the library's `chdb_query_cmdline`; its error on stderr, exit 1. */
const LAUNCHER = `
import ctypes, os, sys, threading
# The query blocks reading /dev/stdin, which must be a pipe (Node gives a socket): a pipe
# whose write end closes when stdin ends.
r, w = os.pipe()
parent = os.dup(0)
os.dup2(r, 0)
os.close(r)
def watch():
    while os.read(parent, 4096):
        pass
    os.close(w)
threading.Thread(target=watch, daemon=True).start()
lib = ctypes.CDLL(sys.argv[1])
lib.chdb_query_cmdline.restype = ctypes.c_void_p
lib.chdb_result_error.restype = ctypes.c_char_p
lib.chdb_result_error.argtypes = [ctypes.c_void_p]
args = [b'clickhouse-local'] + [a.encode() for a in sys.argv[2:]]
r = lib.chdb_query_cmdline(len(args), (ctypes.c_char_p * len(args))(*args))
err = lib.chdb_result_error(r) if r else b'chdb_query_cmdline returned nothing'
if err:
    sys.stderr.write(err.decode('utf-8', 'replace') + '\\n')
    sys.exit(1)
`;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function usersXml(users: readonly ServerUser[]): string {
  const profiles = Object.entries(PROFILES)
    .map(([name, body]) => `<${name}>${body}</${name}>`)
    .join('');
  // `default` (no password, loopback only) is the account clickhouse-local's own query runs as.
  const accounts = [{ name: 'default', password: '' } as ServerUser, ...users]
    .map((u) => {
      if (!IDENTIFIER.test(u.name)) throw new Error(`invalid user name ${u.name}`);
      const only = u.grants ? `<grants>${u.grants.map((g) => `<query>${xml(g)}</query>`).join('')}</grants>` : '';
      return `<${u.name}><password>${xml(u.password)}</password><profile>${u.profile ?? 'default'}</profile><quota>default</quota><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>${only}</${u.name}>`;
    })
    .join('');
  return `<clickhouse><profiles>${profiles}</profiles><quotas><default/></quotas><users>${accounts}</users></clickhouse>\n`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/**
 * Starts ClickHouse's HTTP interface on 127.0.0.1 (`port`, default a free one) over the data
 * directory `dataDir` (created if missing; no other process may open it meanwhile), with
 * `users` besides `default` and `databases` created first, as a server's operator would.
 */
export async function startClickHouseServer(opts: {
  dataDir: string;
  users?: readonly ServerUser[];
  databases?: readonly string[];
  port?: number;
}): Promise<ClickHouseServer> {
  for (const db of opts.databases ?? []) if (!IDENTIFIER.test(db)) throw new Error(`invalid database name ${db}`);
  const etc = path.join(opts.dataDir, 'etc');
  fs.mkdirSync(etc, { recursive: true });
  const users = path.join(etc, 'users.xml');
  fs.writeFileSync(users, usersXml(opts.users ?? []));
  const config = path.join(etc, 'config.xml');
  fs.writeFileSync(config, `<clickhouse><users_config>${xml(users)}</users_config></clickhouse>\n`);
  const port = opts.port ?? (await freePort());
  const query = [
    ...(opts.databases ?? []).map((db) => `CREATE DATABASE IF NOT EXISTS ${db}`),
    'SYSTEM START LISTEN HTTP',
    // Blocks until stdin closes: the listener's lifetime.
    "SELECT count() FROM file('/dev/stdin', LineAsString) FORMAT Null",
  ].join('; ');
  const args = ['-c', LAUNCHER, libchdbPath(), '--config-file', config, '--path', opts.dataDir, '--listen_host', '127.0.0.1', '--http_port', String(port), '--query', query];
  const child = spawn('python3', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  // Nothing is written to it; ending it once the server died must not throw (EPIPE).
  child.stdin!.on('error', () => undefined);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-8192);
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const gone = exited(child).then(() => null);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const failed = await Promise.race([spawnError, gone, new Promise<undefined>((r) => setTimeout(r, 50))]);
    if (failed) throw new Error(`could not start the ClickHouse test server (python3): ${failed.message}`);
    if (failed === null) throw new Error(`the ClickHouse test server exited (code ${child.exitCode}): ${stderr.trim() || 'no output'}`);
    // not kept alive: an idle connection would hold the server's stop (see close)
    const ok = await fetch(`${url}/ping`, { headers: { connection: 'close' } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ClickHouse test server did not answer on ${url} within 60 s: ${stderr.trim() || 'no output'}`);
    }
  }
  return {
    url,
    async close() {
      child.stdin!.end();
      // A client's idle keep-alive connection holds the server's stop for 5 s (measured: 4.9
      // s, against 0.05 without one): its data is the tests' own, so it is not waited for.
      const timer = setTimeout(() => child.kill('SIGKILL'), 1_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
