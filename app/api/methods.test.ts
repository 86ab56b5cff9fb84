// Every route module answers all five methods: those it serves, and for the rest a 405 in
// the API's one error shape with an `Allow` header (lib/http/methods.ts) — never Next.js's
// empty 405. Route modules are found at test time, so a new route without its notAllowed
// export fails here. The catch-all (app/api/[...path]) serves every method with a 404.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HTTP_METHODS, allowHeader, notAllowed } from '@/lib/http/methods';

process.env.CASHTRACE_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-methods-'));
process.env.CASHTRACE_CONNECTORS = 'off';

const APP = path.resolve(__dirname, '..');
function findRoutes(d: string): string[] {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : findRoutes(p);
    return e.name === 'route.ts' ? [p] : [];
  });
}
type Handler = (req: Request, ctx?: unknown) => Promise<Response>;

describe('methods a route does not serve', () => {
  it('notAllowed answers 405 with the one error shape and Allow', async () => {
    const h = notAllowed('GET', 'POST');
    expect(Object.keys(h).sort()).toEqual(['DELETE', 'PATCH', 'PUT']);
    const res = await h.DELETE(new Request('http://localhost/api/things/1', { method: 'DELETE' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    expect(await res.json()).toEqual({
      error: { code: 'method_not_allowed', message: 'DELETE is not served at /api/things/1; it serves GET, HEAD, OPTIONS, POST' },
    });
    expect(allowHeader(['POST'])).toBe('OPTIONS, POST');
  });

  const files = findRoutes(APP).filter((f) => !f.includes('[...path]'));
  it(`each of the ${files.length} route modules answers every method, with a JSON 405 for those it does not serve`, async () => {
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const src = fs.readFileSync(file, 'utf8');
      const served = HTTP_METHODS.filter((m) => new RegExp(`export (const|async function) ${m}\\b`).test(src));
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, Handler | undefined>;
      const rel = path.relative(APP, file);
      for (const m of HTTP_METHODS) {
        const h = mod[m];
        expect(typeof h, `${rel} exports ${m}`).toBe('function');
        if (served.includes(m)) continue;
        const res = await h!(new Request('http://localhost/x', { method: m }));
        expect(res.status, `${rel} ${m}`).toBe(405);
        expect(res.headers.get('allow'), `${rel} ${m}`).toBe(allowHeader(served));
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
      }
    }
  }, 120_000);
});
