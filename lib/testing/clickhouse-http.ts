// Test helper: ClickHouse's HTTP interface, answered by chDB — the same engine (ClickHouse
// 26.x) behind the protocol @clickhouse/client speaks to a server — so the suite runs
// Cashtrace's server mode (CLICKHOUSE_URL) end to end on a machine with no ClickHouse
// server (Debian's package is 18.16; npm has none). For tests only: the product's server
// mode needs a real server or cluster.
//
// What it keeps of a server: every request stands alone (a chDB session of its own, so
// settings, query parameters and the current database last one request), credentials are
// checked (516 AUTHENTICATION_FAILED), the database must exist, query parameters arrive as
// the text the client sent and are parsed by the engine (`SET param_x`, as `param_x=` in a
// URL is), settings come from the URL, insert data follows the URL's INSERT in the body,
// errors are the engine's own text with its code, gzip both ways. What it does not show: a
// real server's configuration (profiles, readonly users, quotas), clusters, sessions
// (`session_id` is refused) and its HTTP layer's own limits.

import http from 'node:http';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { Session } from 'chdb';

export interface ClickHouseHttpServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Requests answered so far (each a statement or an insert). */
  readonly requests: number;
  close(): Promise<void>;
}

/** URL parameters that are not settings (the HTTP interface's own, or the client's transport options). */
const NOT_SETTINGS = new Set([
  'query',
  'query_id',
  'database',
  'user',
  'password',
  'quota_key',
  'default_format',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'enable_http_compression',
  'http_zlib_compression_level',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_response_buffer_size',
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A ClickHouse string literal of any text. */
function literal(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The engine's error code in its message ("Code: 60. DB::Exception: …"). */
function codeOf(message: string): number {
  const m = /^Code: (\d+)\./.exec(message);
  return m ? Number(m[1]) : 1001;
}

/** As a server answers: unknown tables and databases 404, bad requests 400, the rest 500. */
function statusOf(code: number): number {
  if (code === 60 || code === 81) return 404;
  if ([26, 27, 36, 43, 53, 62, 115, 117, 130, 456, 457].includes(code)) return 400;
  return 500;
}

function credentials(req: http.IncomingMessage, url: URL): { user: string; password: string } {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Basic ')) {
    const text = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const colon = text.indexOf(':');
    return { user: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  const user = (req.headers['x-clickhouse-user'] as string | undefined) ?? url.searchParams.get('user') ?? 'default';
  const password = (req.headers['x-clickhouse-key'] as string | undefined) ?? url.searchParams.get('password') ?? '';
  return { user, password };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks);
  const encoding = req.headers['content-encoding'];
  if (!encoding) return body;
  if (encoding === 'gzip') return zlib.gunzipSync(body);
  throw new HttpError(400, `Code: 36. DB::Exception: Unsupported Content-Encoding ${encoding} (in this test server). (BAD_ARGUMENTS)`);
}

/**
 * Serves ClickHouse's HTTP interface on 127.0.0.1 (`port`, default a free one) over the chDB data
 * directory `dataDir` (this process must not open it otherwise). `user` / `password`: the
 * one account it accepts (default: `default` with no password); `databases`: created at
 * start, as a server's operator would.
 */
export async function startClickHouseHttp(opts: { dataDir: string; user?: string; password?: string; databases?: readonly string[]; port?: number }): Promise<ClickHouseHttpServer> {
  const account = { user: opts.user ?? 'default', password: opts.password ?? '' };
  // Open for the server's life: the engine stays up between requests' own sessions.
  const base = new Session(opts.dataDir);
  for (const db of opts.databases ?? []) {
    if (!IDENTIFIER.test(db)) throw new Error(`invalid database name ${db}`);
    await base.queryAsync(`CREATE DATABASE IF NOT EXISTS ${db}`);
  }
  const version = (await base.queryAsync('SELECT version()', { format: 'TabSeparated' })).text().trim();
  let requests = 0;

  const run = async (req: http.IncomingMessage, url: URL): Promise<{ body: Buffer; format: string; summary: Record<string, string> }> => {
    const who = credentials(req, url);
    if (who.user !== account.user || who.password !== account.password) {
      throw new HttpError(403, `Code: 516. DB::Exception: ${who.user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)`);
    }
    if (url.searchParams.has('session_id')) throw new HttpError(400, 'Code: 36. DB::Exception: HTTP sessions are not supported by this test server. (BAD_ARGUMENTS)');
    const body = (await readBody(req)).toString('utf8');
    const query = url.searchParams.get('query');
    // With a query in the URL, the body is its data (an INSERT's rows); else the body is the query.
    const statement = query ? (body.length > 0 ? `${query}\n${body}` : query) : body;
    if (statement.trim() === '') throw new HttpError(400, 'Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)');
    const setup: string[] = [];
    const database = url.searchParams.get('database');
    if (database && database !== 'default') {
      if (!IDENTIFIER.test(database)) throw new HttpError(400, `Code: 36. DB::Exception: Invalid database name ${database}. (BAD_ARGUMENTS)`);
      setup.push(`USE ${database}`);
    }
    // Query parameters, as SET statements: their text is no query's (a server takes up to
    // 1 MiB of URL for them), so max_query_size is lifted for them and back to its default
    // before the URL's settings (which may set it) and the query.
    const params = [...url.searchParams].filter(([key]) => key.startsWith('param_'));
    const paramSets: string[] = [];
    for (const [key, value] of params) {
      if (!IDENTIFIER.test(key)) throw new HttpError(400, `Code: 36. DB::Exception: Invalid query parameter name ${key}. (BAD_ARGUMENTS)`);
      paramSets.push(`SET ${key} = ${literal(value)}`);
    }
    for (const [key, value] of url.searchParams) {
      if (NOT_SETTINGS.has(key) || key.startsWith('param_')) continue;
      if (!IDENTIFIER.test(key)) throw new HttpError(400, `Code: 115. DB::Exception: Unknown setting ${key}. (UNKNOWN_SETTING)`);
      setup.push(`SET ${key} = ${literal(value)}`);
    }
    const format = url.searchParams.get('default_format') ?? 'TabSeparated';
    const session = new Session(opts.dataDir);
    try {
      if (paramSets.length > 0) {
        await session.queryAsync('SET max_query_size = 16777216');
        await session.queryAsync(paramSets.join('; '));
        await session.queryAsync('SET max_query_size = DEFAULT');
      }
      if (setup.length > 0) await session.queryAsync(setup.join('; '), { format });
      const started = process.hrtime.bigint();
      const r = await session.queryAsync(statement, { format });
      const bytes = Buffer.from(r.bytes());
      return {
        body: bytes,
        format,
        // What chDB reports of the statement (a server's summary also counts written rows: not known here, so not sent).
        summary: {
          read_rows: String(r.rowsRead),
          read_bytes: String(r.bytesRead),
          result_bytes: String(bytes.length),
          elapsed_ns: String(process.hrtime.bigint() - started),
        },
      };
    } finally {
      session.close();
    }
  };

  // A server takes URLs up to http_max_uri_size (1 MiB by default): query parameters go there.
  const server = http.createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    const queryId = url.searchParams.get('query_id') || crypto.randomUUID();
    const send = (status: number, body: Buffer, headers: Record<string, string>) => {
      const gzip = url.searchParams.get('enable_http_compression') === '1' && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const out = gzip ? zlib.gzipSync(body) : body;
      res.writeHead(status, { 'X-ClickHouse-Query-Id': queryId, 'X-ClickHouse-Timezone': 'UTC', 'X-ClickHouse-Server-Display-Name': 'chdb-test', ...headers, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
      res.end(out);
    };
    if (url.pathname !== '/') {
      send(404, Buffer.from(`There is no handle ${url.pathname}\n`), { 'Content-Type': 'text/plain; charset=UTF-8' });
      return;
    }
    run(req, url).then(
      (r) => {
        requests++;
        send(200, r.body, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Format': r.format, 'X-ClickHouse-Summary': JSON.stringify(r.summary) });
      },
      (err: unknown) => {
        requests++;
        const message = err instanceof Error ? err.message : String(err);
        const status = err instanceof HttpError ? err.status : statusOf(codeOf(message));
        send(status, Buffer.from(`${message} (version ${version})\n`), { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(codeOf(message)) });
      },
    );
  });
  // Over the limit, a server refuses the request with its reason (Node's own answer is a bare 431).
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const reason = err.code === 'HPE_HEADER_OVERFLOW' ? 'The request URL is longer than http_max_uri_size (1 MiB)' : `Malformed HTTP request: ${err.message}`;
    const body = `Code: 36. DB::Exception: ${reason}. (BAD_ARGUMENTS) (version ${version})\n`;
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=UTF-8\r\nX-ClickHouse-Exception-Code: 36\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      base.close();
    },
  };
}
