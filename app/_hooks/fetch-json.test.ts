// The dashboard's one client for the API: answers validated, the API's error shape read in
// one place for reads, link corrections, SLA policies and the admin panels.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiRequestError, fetchJson, sendJson } from './fetch-json';

const calls: { url: string; init: RequestInit }[] = [];

function answer(status: number, body: unknown) {
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(new Response(body === undefined ? 'not json' : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  calls.length = 0;
});

const okSchema = z.object({ ok: z.literal(true) });

async function refusal(p: Promise<unknown>): Promise<ApiRequestError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiRequestError);
  return err as ApiRequestError;
}

describe('fetchJson', () => {
  it('returns the answer parsed with the contract, and refuses one that breaks it', async () => {
    answer(200, { ok: true });
    await expect(fetchJson('/api/x', okSchema)).resolves.toEqual({ ok: true });
    expect(calls[0].init.method).toBeUndefined();
    expect(calls[0].init.body).toBeUndefined();
    answer(200, { ok: 'yes' });
    await expect(fetchJson('/api/x', okSchema)).rejects.toThrow(z.ZodError);
  });

  it("carries the API's message, status and details; the message alone for a read", async () => {
    answer(404, { error: { code: 'not_found', message: 'no deal has a record X', details: ['a'] } });
    const err = await refusal(fetchJson('/api/x', okSchema));
    expect([err.status, err.message, err.details]).toEqual([404, 'no deal has a record X', ['a']]);
  });

  it('lists the validation messages of a read refused for its parameters (400)', async () => {
    answer(400, { error: { code: 'bad_request', message: 'invalid parameters', details: ['to: must be a real day between 1900-01-01 and 2299-12-31 (not 2026-02-30), at a real time of day'] } });
    expect((await refusal(fetchJson('/api/deals?to=2026-02-30', okSchema))).message).toBe('invalid parameters: to: must be a real day between 1900-01-01 and 2299-12-31 (not 2026-02-30), at a real time of day');
  });

  it('says the status when the answer is not the error shape', async () => {
    answer(502, undefined);
    const err = await refusal(fetchJson('/api/x', okSchema));
    expect([err.status, err.message]).toEqual([502, 'request failed (502)']);
  });
});

describe('sendJson', () => {
  it('sends the payload as JSON with the method; no body when there is no payload', async () => {
    answer(200, { ok: true });
    await sendJson('/api/links', 'POST', { a: 1 }, okSchema);
    await sendJson('/api/admin/tokens/t1', 'DELETE', undefined, okSchema);
    expect(calls.map((c) => [c.init.method, c.init.body, (c.init.headers as Record<string, string>)['content-type']])).toEqual([
      ['POST', '{"a":1}', 'application/json'],
      ['DELETE', undefined, undefined],
    ]);
  });

  it("lists what was invalid: the route's validation messages and a policy's issues", async () => {
    answer(400, { error: { code: 'bad_request', message: 'invalid parameters', details: ['reason: too short', 'kind: unknown'] } });
    expect((await refusal(sendJson('/api/links', 'POST', {}, okSchema))).message).toBe('invalid parameters: reason: too short; kind: unknown');
    answer(400, { error: { code: 'bad_request', message: 'invalid SLA policy', details: { issues: ['threshold must not be negative'] } } });
    const err = await refusal(sendJson('/api/sla/policies', 'PUT', {}, okSchema));
    expect(err.message).toBe('invalid SLA policy: threshold must not be negative');
    expect(err.details).toEqual({ issues: ['threshold must not be negative'] });
    answer(409, { error: { code: 'conflict', message: 'this secret is already active' } });
    expect((await refusal(sendJson('/api/admin/signing-secrets', 'POST', {}, okSchema))).message).toBe('this secret is already active');
  });
});
