// The one ClickHouse client factory. No configuration: embedded chDB in
// CASHTRACE_DATA_DIR. CLICKHOUSE_URL: a ClickHouse server over HTTP. Same SQL for both.
// The client is created lazily (next build imports route modules; opening chDB at
// import time would lock the data directory during the build).

import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { checkServerGrants } from './grants';
import stream, { Readable } from 'node:stream';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { finished } from 'node:stream/promises';
import path from 'node:path';
import fs from 'node:fs';
import type { z } from 'zod';
import { env, type Env } from '../env';
import { readConfigFile } from '../config-file';
import { sql, type Sql } from './sql';
import { runMigrations } from './migrate';
import { dataDirOpenError } from './data-dir';

export type StoreKind = 'embedded' | 'server';

export interface Store {
  readonly kind: StoreKind;
  readonly client: ClickHouseClient;
  /** Runs a SELECT built with `sql`; rows are validated when a schema is given. */
  query<T = Record<string, unknown>>(q: Sql, schema?: z.ZodType<T>): Promise<T[]>;
  /** Runs a statement; `settings` are ClickHouse query settings for this statement only. */
  command(q: Sql, settings?: Record<string, string | number>, opts?: StatementOptions): Promise<void>;
  /**
   * Inserts pre-serialised JSONEachRow text, or its UTF-8 bytes (the fast path: rows never
   * become JS objects again); `settings` are ClickHouse query settings for this insert only.
   */
  insertJsonEachRow(table: string, body: string | Buffer, settings?: Record<string, string | number>, opts?: StatementOptions): Promise<void>;
  ping(): Promise<boolean>;
  /**
   * Another connection to the same database, for reads that must not queue behind writes:
   * on one chDB connection a query waits for a running insert. A server store's fork shares
   * its HTTP client (a server runs requests side by side); closing the fork leaves it open.
   * `ownSockets` (server): an HTTP client of its own, whose cutOff() drops its connections.
   */
  fork(opts?: { ownSockets?: boolean }): Promise<Store>;
  /**
   * A server store with sockets of its own (fork({ ownSockets: true })): drops every
   * connection at once with a TCP reset, so that a request still on its way (an insert's
   * body) is never completed by the server — the reset discards what was not sent, and a
   * server that has not read the whole body fails the insert.
   */
  cutOff?(): number;
  close(): Promise<void>;
  /** True once close() was called: a timer that reads the store stops instead of failing. */
  isClosed?(): boolean;
}

export interface StatementOptions {
  /** The statement's query_id on a server (system.processes shows it while it runs); embedded: ignored. */
  queryId?: string;
}

type ChdbRaw = { rawInsert(p: { table: string; values: string | Buffer; format: 'JSONEachRow'; settings?: Record<string, string | number> }): Promise<unknown> };

const TABLE_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A JSON value of any kind read into a String column is stored as its JSON text (rows of
 * `events` carry the payload so: lib/ingest/rows). ClickHouse 26's defaults, chDB's
 * included; said explicitly to a server, which may be configured otherwise.
 */
const JSON_VALUES_AS_TEXT = {
  input_format_json_read_objects_as_strings: 1,
  input_format_json_read_arrays_as_strings: 1,
  input_format_json_read_numbers_as_strings: 1,
  input_format_json_read_bools_as_strings: 1,
} as const;

/**
 * Where an embedded store's statements run. One chDB connection runs its statements one at a
 * time (a query waited for the writer's insert or delete on it, and for another request's
 * query); connections to the same directory run side by side (two `SELECT sleep(0.05)`: 109
 * ms on one, 56 on two). A query takes the least busy lane, a new one when every lane is busy
 * and fewer than CASHTRACE_QUERY_CONNECTIONS are open (stores used only for inserts, such as
 * the writer's forks, never open a second); statements and inserts stay on the first.
 */
interface Lane {
  client: ClickHouseClient;
  running: number;
}

async function onLane<T>(lane: Lane, run: (client: ClickHouseClient) => Promise<T>): Promise<T> {
  lane.running++;
  try {
    return await run(lane.client);
  } finally {
    lane.running--;
  }
}

/**
 * `ownSockets` (server): an HTTP agent of its own (Store.cutOff); `checked`: the server was
 * reached and its grants checked by the store this one forks (not asked again).
 */
export async function createStore(opts?: { dataDir?: string; url?: string; migrate?: boolean; queryConnections?: number; ownSockets?: boolean; checked?: boolean }): Promise<Store> {
  const e = env();
  const url = opts?.url ?? (opts?.dataDir ? undefined : e.CLICKHOUSE_URL);
  let client: ClickHouseClient;
  let raw: ChdbRaw | null = null;
  let kind: StoreKind;
  let dir: string | undefined;
  let openEmbedded: (() => { connection: unknown; client: ClickHouseClient }) | null = null;
  let sockets: OwnSockets | null = null;
  if (url) {
    kind = 'server';
    const tls = serverTls(url, e);
    if (opts?.ownSockets) sockets = new OwnSockets(url, tls?.ca_cert);
    client = createClient({
      url,
      ...(sockets ? { http_agent: sockets.agent } : { tls }),
      username: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
  } else {
    kind = 'embedded';
    dir = path.resolve(opts?.dataDir ?? e.CASHTRACE_DATA_DIR);
    fs.mkdirSync(dir, { recursive: true });
    const { createChdbConnection } = await import('chdb/connection');
    const chdbDir = dir;
    openEmbedded = () => {
      const connection = createChdbConnection({ path: chdbDir });
      // The chdb package ships its own copy of the connection types; at run time they match.
      return { connection, client: createClient({ connection: connection as never, clickhouse_settings: { date_time_input_format: 'best_effort' } }) };
    };
    let first: ReturnType<typeof openEmbedded>;
    try {
      first = openEmbedded();
    } catch (err) {
      throw dataDirOpenError(chdbDir, err);
    }
    raw = (first.connection as unknown as { chdb: ChdbRaw }).chdb;
    client = first.client;
  }
  const main: Lane = { client, running: 0 };
  const lanes: Lane[] = [main];
  const maxLanes = kind === 'embedded' ? (opts?.queryConnections ?? e.CASHTRACE_QUERY_CONNECTIONS) : 1;
  const readLane = (): Lane => {
    let best = lanes[0];
    for (const l of lanes) if (l.running < best.running) best = l;
    if (best.running > 0 && lanes.length < maxLanes && openEmbedded) {
      best = { client: openEmbedded().client, running: 0 };
      lanes.push(best);
    }
    return best;
  };

  let closed = false;
  const store: Store = {
    kind,
    client,
    async query<T>(q: Sql, schema?: z.ZodType<T>): Promise<T[]> {
      const { query, params } = q.build();
      const rows = await onLane(readLane(), async (c) => (await (await c.query({ query, query_params: params, format: 'JSONEachRow' })).json()) as unknown[]);
      return schema ? rows.map((r) => schema.parse(r)) : (rows as T[]);
    },
    async command(q: Sql, settings?: Record<string, string | number>, opts?: StatementOptions): Promise<void> {
      const { query, params } = q.build();
      const queryId = kind === 'server' && opts?.queryId ? { query_id: opts.queryId } : {};
      await onLane(main, (c) => c.command({ query, query_params: params, ...queryId, ...(settings ? { clickhouse_settings: settings as never } : {}) }));
    },
    async insertJsonEachRow(table: string, body: string | Buffer, settings?: Record<string, string | number>, opts?: StatementOptions): Promise<void> {
      if (!TABLE_RE.test(table)) throw new Error(`invalid table name ${table}`);
      if (body.length === 0) return;
      if (raw) {
        const chdb = raw;
        await onLane(main, () => chdb.rawInsert({ table, values: body, format: 'JSONEachRow', ...(settings ? { settings } : {}) }));
      } else {
        // The rows as the bytes they are: insert() takes a JSON format's stream only as
        // objects to serialise (a string or Buffer went as one JSON string: every insert
        // failed, found by lib/clickhouse/server-mode.test), so an INSERT with a byte body.
        const r = await client.exec({
          query: `INSERT INTO ${table} FORMAT JSONEachRow`,
          ...(opts?.queryId ? { query_id: opts.queryId } : {}),
          values: Readable.from([Buffer.isBuffer(body) ? body : Buffer.from(body)], { objectMode: false }),
          clickhouse_settings: { date_time_input_format: 'best_effort', ...JSON_VALUES_AS_TEXT, ...(settings as object) },
        });
        await finished(r.stream.resume());
      }
    },
    async ping(): Promise<boolean> {
      try {
        const r = await client.query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' });
        await r.json();
        return true;
      } catch {
        return false;
      }
    },
    async fork(f?: { ownSockets?: boolean }): Promise<Store> {
      if (kind === 'embedded') return createStore({ dataDir: dir!, migrate: false });
      return f?.ownSockets ? createStore({ url, migrate: false, ownSockets: true, checked: true }) : { ...store, close: async () => undefined };
    },
    ...(sockets ? { cutOff: () => sockets!.cutOff() } : {}),
    isClosed: () => closed,
    async close() {
      closed = true;
      await Promise.all(lanes.map((l) => l.client.close()));
    },
  };
  if (kind === 'server' && !opts?.checked) await reachServer(store, url!);
  if (opts?.migrate !== false) await runMigrations(store);
  if (kind === 'server' && !opts?.checked) await checkServerGrants(store, e.CLICKHOUSE_USER ?? 'default');
  return store;
}

/**
 * CLICKHOUSE_CA_CERT, for an https:// server whose certificate a private CA signed. (Client
 * certificates are not offered: with one the official client authenticates by the
 * certificate instead of the password — ClickHouse's `ssl_certificates` users — which the
 * tests' server, clickhouse-local without a TLS listener, cannot check.)
 */
function serverTls(url: string, e: Env): { ca_cert: Buffer } | undefined {
  if (!e.CLICKHOUSE_CA_CERT) return undefined;
  if (!url.startsWith('https://')) throw new Error('CLICKHOUSE_CA_CERT is for an https:// CLICKHOUSE_URL');
  return { ca_cert: readConfigFile(e.CLICKHOUSE_CA_CERT, 'CLICKHOUSE_CA_CERT') };
}

/** An HTTP(S) agent that knows its sockets, to reset them all at once (Store.cutOff). */
class OwnSockets {
  readonly agent: http.Agent;
  private readonly open = new Set<net.Socket>();

  constructor(url: string, ca?: Buffer) {
    const open = this.open;
    const track = (s: stream.Duplex | null | undefined) => {
      if (s instanceof net.Socket) {
        open.add(s);
        s.once('close', () => open.delete(s));
      }
      return s;
    };
    const options = { keepAlive: true, maxSockets: 10 };
    this.agent = url.startsWith('https://')
      ? new (class extends https.Agent {
          createConnection(o: https.RequestOptions, cb?: (err: Error | null, s: stream.Duplex) => void) {
            // TLS over a TCP socket of its own: a TLS socket cannot be reset, its TCP socket can
            const raw = track(net.connect({ host: o.hostname ?? o.host ?? undefined, port: Number(o.port) }));
            return super.createConnection({ ...o, socket: raw } as https.RequestOptions, cb);
          }
        })({ ...options, ...(ca ? { ca } : {}) })
      : new (class extends http.Agent {
          createConnection(o: http.ClientRequestArgs, cb?: (err: Error | null, s: stream.Duplex) => void) {
            return track(super.createConnection(o, cb));
          }
        })(options);
  }

  /** Resets every connection; how many there were. */
  cutOff(): number {
    const n = this.open.size;
    for (const s of this.open) s.resetAndDestroy();
    this.open.clear();
    return n;
  }
}

/** The server's first answer; refused or unreachable, an error naming what to check. */
async function reachServer(store: Store, url: string): Promise<void> {
  try {
    await store.query(sql`SELECT 1`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const hint = /certificate|self.signed|tls|ssl|handshake|socket hang up|ECONNRESET/i.test(why)
      ? 'check CLICKHOUSE_CA_CERT (the CA of the server’s certificate)'
      : /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|timeout/i.test(why)
        ? 'is CLICKHOUSE_URL right and the server up?'
        : /authentication|password/i.test(why)
          ? 'check CLICKHOUSE_USER / CLICKHOUSE_PASSWORD'
          : /database/i.test(why)
            ? 'check CLICKHOUSE_DATABASE: the database must exist'
            : 'see the server’s reason';
    throw new Error(`cannot use ClickHouse at ${url}: ${why} (${hint})`);
  }
}

const g = globalThis as unknown as { __cashtraceStore?: Promise<Store> };

/** The process-wide store (chDB allows one engine per process and data directory). */
export function getStore(): Promise<Store> {
  if (!g.__cashtraceStore) {
    g.__cashtraceStore = createStore().catch((err) => {
      g.__cashtraceStore = undefined;
      throw err;
    });
  }
  return g.__cashtraceStore;
}
