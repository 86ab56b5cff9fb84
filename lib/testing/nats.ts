// Test helper: a real nats-server with JetStream on a free port and a temporary store,
// started per test file so tests are hermetic.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { connect } from '@nats-io/transport-node';
import { removeTempDir, tempDir } from './temp-dir';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export const NATS_SERVER_BIN = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => fs.existsSync(p)) ?? 'nats-server';

export interface NatsServer {
  url: string;
  port: number;
  dir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** `config`: a nats-server configuration file's text (authorization, tls), beside the port and store given as flags. */
export async function startNatsServer(opts: { config?: string } = {}): Promise<NatsServer> {
  const port = await freePort();
  const dir = tempDir('cashtrace-nats-');
  const configArgs: string[] = [];
  if (opts.config) {
    fs.writeFileSync(`${dir}/nats-server.conf`, opts.config);
    configArgs.push('-c', `${dir}/nats-server.conf`);
  }
  const proc = await spawnNatsServer(port, [...configArgs, '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir]);
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    dir,
    proc,
    /** Stops the server and removes its store. */
    async stop() {
      await stopProcess(proc, 'SIGTERM');
      removeTempDir(dir);
    },
  };
}

/** Starts nats-server with `args` and resolves once it takes connections on `port`. */
async function spawnNatsServer(port: number, args: string[]): Promise<ChildProcess> {
  const proc = spawn(NATS_SERVER_BIN, args, { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode} (is the Debian package nats-server installed?)`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return proc;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error('nats-server did not start within 10 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once JetStream answers through `url` (a cluster's first meta leader is elected 1–3 s after start). */
async function jetStreamReady(url: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const reply = JSON.parse(new TextDecoder().decode((await nc.request('$JS.API.INFO', undefined, { timeout: 500 })).data)) as { error?: unknown };
        if (!reply.error) return;
      } catch {
        // no meta leader yet
      }
      if (Date.now() > deadline) throw new Error('the nats-server cluster has no JetStream meta leader after 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await nc.close();
  }
}

async function stopProcess(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((r) => {
    proc.once('exit', () => r());
    proc.kill(signal);
  });
}

export interface NatsClusterNode {
  /** The server's name (`-n`): what JetStream's cluster info reports as leader and replicas. */
  name: string;
  url: string;
  proc: ChildProcess;
}

export interface NatsCluster {
  /** Every node's client URL, comma-separated (as NATS_URL takes a cluster). */
  url: string;
  nodes: NatsClusterNode[];
  /** SIGKILLs a node (its store stays: `restart` brings it back with it). */
  kill(name: string): Promise<void>;
  /** Starts a killed node again on its port and store. */
  restart(name: string): Promise<void>;
  /** Stops every node and removes their stores. */
  stop(): Promise<void>;
}

/**
 * A JetStream cluster of `size` nats-server processes on free ports (client and route
 * ports), each with a temporary store, routed to one another as a deployment's cluster is.
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < size; i++) {
    clientPorts.push(await freePort());
    routePorts.push(await freePort());
  }
  const dirs = clientPorts.map(() => tempDir('cashtrace-nats-cluster-'));
  const names = clientPorts.map((_, i) => `node-${i + 1}`);
  const routes = routePorts.map((p) => `nats://127.0.0.1:${p}`).join(',');
  const args = (i: number) => ['-js', '-a', '127.0.0.1', '-p', String(clientPorts[i]), '-sd', dirs[i], '-n', names[i], '--cluster_name', 'cashtrace-test', '--cluster', `nats://127.0.0.1:${routePorts[i]}`, '--routes', routes];
  const nodes: NatsClusterNode[] = await Promise.all(
    names.map(async (name, i) => ({ name, url: `nats://127.0.0.1:${clientPorts[i]}`, proc: await spawnNatsServer(clientPorts[i], args(i)) })),
  );
  try {
    await jetStreamReady(nodes[0].url);
  } catch (err) {
    await Promise.all(nodes.map((n) => stopProcess(n.proc, 'SIGKILL')));
    for (const d of dirs) removeTempDir(d);
    throw err;
  }
  const node = (name: string) => {
    const n = nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name} in the cluster (${names.join(', ')})`);
    return n;
  };
  return {
    url: nodes.map((n) => n.url).join(','),
    nodes,
    async kill(name) {
      await stopProcess(node(name).proc, 'SIGKILL');
    },
    async restart(name) {
      const n = node(name);
      const i = names.indexOf(name);
      n.proc = await spawnNatsServer(clientPorts[i], args(i));
    },
    async stop() {
      await Promise.all(nodes.map((n) => stopProcess(n.proc, 'SIGTERM')));
      for (const d of dirs) removeTempDir(d);
    },
  };
}
