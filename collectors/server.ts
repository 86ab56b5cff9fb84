// A plain Node HTTP server hosting the collectors' route handlers (Request ▶ Response),
// for the standalone collector process and for tests that need a real socket.

import http from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { RouteHandler } from './registry';

export function toWebRequest(req: http.IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: 'half',
  } as RequestInit);
}

export async function sendWebResponse(req: http.IncomingMessage, res: http.ServerResponse, r: Response): Promise<void> {
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => (headers[k] = v));
  const body = Buffer.from(await r.arrayBuffer());
  // Answered before the body was read (e.g. 413 on Content-Length): drain the rest so the
  // sender can read the answer, and close the connection after it.
  const unread = !req.complete;
  res.writeHead(r.status, { ...headers, 'content-length': String(body.length), ...(unread ? { connection: 'close' } : {}) });
  res.end(body);
  if (unread) req.resume();
}

export function createCollectorServer(routes: Map<string, RouteHandler>): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const handler = routes.get(path);
    if (!handler || req.method !== 'POST') {
      res.writeHead(handler ? 405 : 404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: handler ? 'method_not_allowed' : 'not_found', message: handler ? 'use POST' : `no collector at ${path}` } }));
      return;
    }
    const origin = `http://${req.headers.host ?? 'localhost'}`;
    handler(toWebRequest(req, origin))
      .then((r) => sendWebResponse(req, res, r))
      .catch((err) => {
        console.error('[collectors] handler error', err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }));
      });
  });
}

export function listen(server: http.Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}
