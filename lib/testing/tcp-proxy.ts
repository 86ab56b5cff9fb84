// Test helper: a TCP proxy in front of a server, to cut a client off (a network partition)
// or to hold the rest of a request once its start went through (a request on its way).

import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and refuses new ones (the client sees the server gone). */
  cut(): void;
  /** Takes connections again after cut() (the partition healed). */
  restore(): void;
  /**
   * The next client→server data whose start (4 KB, as Latin-1) matches `marker`: `forward` bytes of it go through, the
   * rest is held until release() (on that connection only). `rechunk` (default true): a
   * chunked HTTP body is forwarded in pieces of 16 KB (see rechunker), so the server starts
   * on the part that came through; false: as the client sent it.
   */
  holdAfter(marker: RegExp, forward: number, opts?: { rechunk?: boolean }): void;
  /** Whether a request is being held now. */
  readonly holding: boolean;
  release(): void;
  close(): Promise<void>;
}

interface Conn {
  client: net.Socket;
  upstream: net.Socket;
  /** Bytes still to forward before holding; -1: not holding. */
  budget: number;
  /** Held client→server data. */
  chunks: Buffer[];
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const conns = new Set<Conn>();
  let cut = false;
  let armed: { marker: RegExp; forward: number; rechunk: boolean } | null = null;
  let held: Conn | null = null;
  const server = net.createServer((client) => {
    if (cut) return void client.destroy();
    const c: Conn = { client, upstream: net.connect(target.port, target.host), budget: -1, chunks: [] };
    conns.add(c);
    let rechunk: ((data: Buffer) => Buffer) | null = null;
    client.on('data', (data: Buffer) => {
      if (armed && c.budget < 0 && !held && armed.marker.test(data.subarray(0, 4096).toString('latin1'))) {
        c.budget = armed.forward;
        held = c;
        if (armed.rechunk)
          rechunk = rechunker(() => {
            rechunk = null;
          });
        armed = null;
      }
      const chunk = rechunk ? rechunk(data) : data;
      if (c.budget < 0) return void c.upstream.write(chunk);
      const through = chunk.subarray(0, c.budget);
      if (through.length > 0) c.upstream.write(through);
      c.budget -= through.length;
      if (through.length < chunk.length) c.chunks.push(chunk.subarray(through.length));
    });
    c.upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      c.upstream.destroy();
      conns.delete(c);
    };
    client.on('close', end).on('error', end);
    c.upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    restore() {
      cut = false;
    },
    cut() {
      cut = true;
      for (const c of conns) {
        c.client.destroy();
        c.upstream.destroy();
      }
      conns.clear();
    },
    holdAfter(marker, forward, opts) {
      armed = { marker, forward, rechunk: opts?.rechunk ?? true };
    },
    get holding() {
      return held !== null;
    },
    release() {
      const h = held;
      held = null;
      if (!h) return;
      h.budget = -1;
      for (const chunk of h.chunks.splice(0)) h.upstream.write(chunk);
    },
    async close() {
      for (const c of conns) {
        c.client.destroy();
        c.upstream.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const PIECE = 16 * 1024;

/**
 * Rewrites one HTTP/1.1 request whose body is chunked into pieces of at most 16 KB: a
 * client that sends its whole body as one chunk (the ClickHouse client does) is read by the
 * server only once the chunk is complete, so holding part of it would hold the whole
 * request back; in pieces, the server starts on what came through. Other data (a request
 * without a chunked body, or what follows the request) passes as it is; `done` is called
 * once the request ended.
 */
function rechunker(done: () => void): (data: Buffer) => Buffer {
  let head = Buffer.alloc(0);
  let inBody = false;
  let chunked = false;
  let pending = Buffer.alloc(0); // undecoded body bytes
  let left = 0; // bytes of the current chunk's data still to come
  let ended = false;
  const piece = (data: Buffer): Buffer[] => {
    const out: Buffer[] = [];
    for (let at = 0; at < data.length; at += PIECE) {
      const part = data.subarray(at, at + PIECE);
      out.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
    }
    return out;
  };
  return (data) => {
    if (ended) return data;
    const out: Buffer[] = [];
    if (!inBody) {
      head = Buffer.concat([head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return Buffer.alloc(0);
      inBody = true;
      const headers = head.subarray(0, end + 4);
      chunked = /\r\ntransfer-encoding:\s*chunked/i.test(headers.toString('latin1'));
      out.push(headers);
      data = head.subarray(end + 4);
      if (!chunked) {
        ended = true;
        done();
        out.push(data);
        return Buffer.concat(out);
      }
    }
    pending = Buffer.concat([pending, data]);
    for (;;) {
      if (left > 0) {
        const take = pending.subarray(0, left);
        if (take.length === 0) break;
        out.push(...piece(take));
        left -= take.length;
        pending = pending.subarray(take.length);
        continue;
      }
      // after a chunk's data: its CRLF, then the next size line
      const line = pending.indexOf('\r\n');
      if (line < 0) break;
      const text = pending.subarray(0, line).toString('latin1');
      pending = pending.subarray(line + 2);
      if (text === '') continue;
      const size = parseInt(text.split(';')[0], 16);
      if (size === 0) {
        // the last chunk (no trailers expected): the request ends here
        const rest = pending.subarray(pending.indexOf('\r\n') + 2);
        out.push(Buffer.from('0\r\n\r\n'));
        ended = true;
        done();
        out.push(rest);
        break;
      }
      left = size;
    }
    return Buffer.concat(out);
  };
}
