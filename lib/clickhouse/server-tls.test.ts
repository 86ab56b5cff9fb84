// A ClickHouse server over HTTPS whose certificate a private CA signed, as CLICKHOUSE_CA_CERT
// configures it. clickhouse-local (the tests'
// ClickHouse server, lib/testing/clickhouse-server) opens only TCP and HTTP listeners, so the
// TLS here is a TLS-terminating proxy in front of its HTTP interface (as a load balancer
// fronts a cluster): what it shows is the store's TLS set-up and its errors, not
// ClickHouse's own TLS configuration.

import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore } from './client';
import { sql } from './sql';
import { resetEnvForTests } from '../env';
import { startTestClickHouseServer, type TestClickHouseServer } from '../testing/test-clickhouse';
import { makeCertificates, type TestCertificates } from '../testing/tls';
import { removeTempDir, tempDir } from '../testing/temp-dir';

let server: TestClickHouseServer;
let certs: TestCertificates;
const dir = tempDir('cashtrace-ch-tls-');
const proxies: net.Server[] = [];

/** An HTTPS front for the test server's HTTP port. */
async function httpsProxy(): Promise<string> {
  const target = new URL(server.url);
  const proxy = tls.createServer(
    { cert: fs.readFileSync(certs.serverCert), key: fs.readFileSync(certs.serverKey) },
    (client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
    },
  );
  proxy.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxies.push(proxy);
  return `https://localhost:${(proxy.address() as net.AddressInfo).port}`;
}

beforeAll(async () => {
  server = await startTestClickHouseServer();
  certs = makeCertificates(dir);
}, 60_000);
afterAll(async () => {
  for (const p of proxies) await new Promise((r) => p.close(r));
  await server?.close();
  removeTempDir(dir);
});

/** createStore on `url` with these variables (CLICKHOUSE_CA_CERT removed after); what it answered. */
async function openWith(url: string, vars: Record<string, string>): Promise<string> {
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  Object.assign(process.env, vars);
  resetEnvForTests();
  try {
    const store = await createStore({ url });
    try {
      const [row] = await store.query<{ v: string }>(sql`SELECT version() AS v`);
      // the ingest writer's connections of its own (lib/runtime) take the same TLS settings
      const own = await store.fork({ ownSockets: true });
      try {
        const [again] = await own.query<{ v: string }>(sql`SELECT version() AS v`);
        if (again.v !== row.v) return `own sockets answered ${again.v}`;
        if (!(own.cutOff!() >= 1)) return 'own sockets: none to cut off';
        await own.query(sql`SELECT 1`); // a reset store opens new connections
      } finally {
        await own.close();
      }
      return `opened ${row.v}`;
    } finally {
      await store.close();
    }
  } catch (err) {
    return (err as Error).message;
  } finally {
    delete process.env.CLICKHOUSE_CA_CERT;
    resetEnvForTests();
    quiet.mockRestore();
  }
}

describe('server store over TLS', () => {
  it('connects over HTTPS with the CA of the server’s certificate, and says what to set without it', async () => {
    const url = await httpsProxy();
    expect(await openWith(url, { CLICKHOUSE_CA_CERT: certs.ca })).toMatch(/^opened 26\./);
    expect(await openWith(url, {})).toMatch(/^cannot use ClickHouse at https:\/\/localhost:\d+: .*certificate.*\(check CLICKHOUSE_CA_CERT/);
  });

  it('refuses TLS settings that cannot work, naming the variables', async () => {
    expect(await openWith(server.url, { CLICKHOUSE_CA_CERT: certs.ca })).toBe('CLICKHOUSE_CA_CERT is for an https:// CLICKHOUSE_URL');
    expect(await openWith('https://localhost:1', { CLICKHOUSE_CA_CERT: '/nonexistent/ca.pem' })).toMatch(/^CLICKHOUSE_CA_CERT: cannot read \/nonexistent\/ca\.pem/);
    expect(await openWith('http://127.0.0.1:1', {})).toMatch(/^cannot use ClickHouse at http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*is CLICKHOUSE_URL right/);
  });
});
