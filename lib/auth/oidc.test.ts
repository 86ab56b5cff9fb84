// OIDC code flow against a local identity provider started in the test (discovery, JWKS,
// token endpoint checking client credentials and PKCE, RS256-signed ID tokens). Not a test
// against a real IdP product.

import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { resetEnvForTests } from '../env';
import { openTempStore } from '../testing/temp-store';
import { ApiError } from '../http/errors';
import { finishOidc, OIDC_COOKIE, roleFromClaim, startOidc } from './oidc';
import { verifySession } from './session';

let store: Store;
let server: http.Server;
let issuer = '';
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const codes = new Map<string, { nonce: string; challenge: string; claims: Record<string, unknown> }>();
let nextClaims: Record<string, unknown> = {};
let tamper = false;

function jwt(claims: Record<string, unknown>): string {
  const h = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = crypto.sign('sha256', Buffer.from(`${h}.${p}`), privateKey).toString('base64url');
  return `${h}.${p}.${tamper ? sig.slice(0, -4) + 'AAAA' : sig}`;
}

beforeAll(async () => {
  ({ store } = await openTempStore());
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = (v: unknown, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      if (url.pathname === '/.well-known/openid-configuration') {
        return json({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` });
      }
      if (url.pathname === '/jwks') return json({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] });
      if (url.pathname === '/token') {
        const auth = Buffer.from(String(req.headers.authorization).replace('Basic ', ''), 'base64').toString();
        if (auth !== 'cashtrace:s3cret') return json({ error: 'invalid_client' }, 401);
        const form = new URLSearchParams(body);
        const c = codes.get(form.get('code') ?? '');
        if (!c) return json({ error: 'invalid_grant' }, 400);
        const challenge = crypto.createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        if (challenge !== c.challenge) return json({ error: 'invalid_grant', error_description: 'PKCE' }, 400);
        return json({ access_token: 'x', token_type: 'Bearer', id_token: jwt({ iss: issuer, aud: 'cashtrace', exp: Math.floor(Date.now() / 1000) + 300, nonce: c.nonce, ...c.claims }) });
      }
      json({ error: 'not_found' }, 404);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, { CASHTRACE_OIDC_ISSUER: issuer, CASHTRACE_OIDC_CLIENT_ID: 'cashtrace', CASHTRACE_OIDC_CLIENT_SECRET: 's3cret', CASHTRACE_OIDC_ROLE_CLAIM: 'groups' });
  resetEnvForTests();
});
afterAll(async () => {
  server.close();
  await store.close();
});

/** The browser's part: follow the authorization URL, the IdP "logs in" and returns a code. */
async function signInWith(claims: Record<string, unknown>, opts: { wrongState?: boolean } = {}) {
  const start = await startOidc(new Request('http://app.test/api/auth/oidc/start'), '/stuck');
  const auth = new URL(start.url);
  expect(auth.origin + auth.pathname).toBe(`${issuer}/authorize`);
  expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
  expect(auth.searchParams.get('redirect_uri')).toBe('http://app.test/api/auth/oidc/callback');
  const code = crypto.randomBytes(8).toString('hex');
  codes.set(code, { nonce: auth.searchParams.get('nonce')!, challenge: auth.searchParams.get('code_challenge')!, claims });
  const state = opts.wrongState ? 'forged' : auth.searchParams.get('state')!;
  const cookie = start.cookie.split(';')[0].slice(OIDC_COOKIE.length + 1);
  return finishOidc(store, new Request(`http://app.test/api/auth/oidc/callback?code=${code}&state=${state}`), cookie);
}

describe('OIDC sign-in', () => {
  it('creates the user with the role from the claim and returns where to go', async () => {
    nextClaims = { sub: 'u-1', preferred_username: 'Jane.Doe@corp.example', name: 'Jane Doe', groups: ['staff', 'finance'] };
    const { user, next } = await signInWith(nextClaims);
    expect(next).toBe('/stuck');
    expect(user).toMatchObject({ username: 'jane.doe@corp.example', role: 'finance', origin: 'oidc', display_name: 'Jane Doe' });
    // The role follows the IdP on the next sign-in.
    const again = await signInWith({ ...nextClaims, groups: ['pmo'] });
    expect(again.user.id).toBe(user.id);
    expect(again.user.role).toBe('pmo');
  });

  it('refuses a forged state, a bad signature and an identity without a role', async () => {
    await expect(signInWith({ sub: 'u-2', groups: 'it' }, { wrongState: true })).rejects.toMatchObject({ status: 401 });
    tamper = true;
    await expect(signInWith({ sub: 'u-2', groups: 'it' })).rejects.toThrow(/signature/);
    tamper = false;
    const noRole = await signInWith({ sub: 'u-3', groups: ['staff'] }).catch((e: ApiError) => e);
    expect(noRole).toBeInstanceOf(ApiError);
    expect((noRole as ApiError).status).toBe(403);
  });

  it('maps claims to the most privileged role', () => {
    expect(roleFromClaim(['executive', 'admin'])).toBe('admin');
    expect(roleFromClaim('it finance')).toBe('it');
    expect(roleFromClaim(undefined)).toBeNull();
    expect(verifySession('nonsense')).toBeNull();
  });
});
