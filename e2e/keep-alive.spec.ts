// A keep-alive connection left idle longer than Node's default 5 s is still served: the server
// keeps it for CASHTRACE_KEEP_ALIVE_MS (65 s), so a client (or a proxy) reusing it does not
// meet a connection the server is closing at that moment (an ECONNRESET, seen on a full run
// when one of ten parallel exports waited over 5 s for the slowest before the next round).

import net from 'node:net';
import { expect, test } from '@playwright/test';
import { E2E_BASE_URL } from './env';

function request(socket: net.Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      const head = got.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(got.slice(0, head))?.[1] ?? NaN);
      const chunkedDone = /transfer-encoding: *chunked/i.test(got.slice(0, head)) && got.endsWith('0\r\n\r\n');
      if ((Number.isFinite(length) && got.length >= head + 4 + length) || chunkedDone) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(got);
      }
    };
    const onClose = () => reject(new Error(`the server closed the connection (after ${JSON.stringify(got.slice(0, 80))})`));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${new URL(E2E_BASE_URL).host}\r\nConnection: keep-alive\r\n\r\n`);
  });
}

test('a keep-alive connection idle for 7 s is served again, not closed', async () => {
  const url = new URL(E2E_BASE_URL);
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  try {
    const first = await request(socket, '/api/health');
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(first).toMatch(/keep-alive: timeout=65/i);
    await new Promise((r) => setTimeout(r, 7_000));
    expect(socket.destroyed).toBe(false);
    const second = await request(socket, '/api/health');
    expect(second).toMatch(/^HTTP\/1\.1 200/);
  } finally {
    socket.destroy();
  }
});
