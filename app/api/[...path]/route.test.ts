// An /api path no endpoint serves: a JSON 404 for a signed-in caller (the role matrix,
// app/api/role-matrix.test.ts, covers the 401 without credentials).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestRuntime, openTestRuntime, TEST_ADMIN_TOKEN } from '@/lib/testing/test-runtime';
import type { Runtime } from '@/lib/runtime';

let rt: Runtime;
let route: typeof import('./route');
beforeAll(async () => {
  rt = await openTestRuntime();
  route = await import('./route');
});
afterAll(async () => closeTestRuntime(rt));

describe('an /api path no endpoint serves', () => {
  it('answers 404 in the one JSON error shape, naming the method and path', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await route[method](new Request('http://localhost/api/deal/OPP-1', { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }));
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toMatch(new RegExp(`^no API endpoint ${method} /api/deal/OPP-1 `));
    }
    const anonymous = await route.GET(new Request('http://localhost/api/deal/OPP-1'));
    expect(anonymous.status).toBe(401);
  });
});
