// OpenID Connect sign-in (authorization code flow with PKCE, discovery): an identity
// provider replaces local users when CASHTRACE_OIDC_ISSUER/_CLIENT_ID/_CLIENT_SECRET are
// set. The ID token's signature (RS256/ES256 via the provider's JWKS), issuer, audience,
// expiry and nonce are checked; the role comes from CASHTRACE_OIDC_ROLE_CLAIM. Users are
// created or updated on each sign-in (origin 'oidc').

import crypto from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../clickhouse/client';
import { env } from '../env';
import { errors } from '../http/errors';
import { ROLES, type Role } from './roles';
import { sessionSecret } from './secrets';
import { createUser, getUserById, getUserByUsername, updateUser, type UserRow } from './users';

export const OIDC_COOKIE = 'ct_oidc';

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});
type Discovery = z.infer<typeof discoverySchema>;

let discoveryCache: { issuer: string; at: number; doc: Discovery } | null = null;

export function oidcConfig() {
  const e = env();
  if (!e.CASHTRACE_OIDC_ISSUER || !e.CASHTRACE_OIDC_CLIENT_ID || !e.CASHTRACE_OIDC_CLIENT_SECRET) return null;
  return { issuer: e.CASHTRACE_OIDC_ISSUER.replace(/\/$/, ''), clientId: e.CASHTRACE_OIDC_CLIENT_ID, clientSecret: e.CASHTRACE_OIDC_CLIENT_SECRET, roleClaim: e.CASHTRACE_OIDC_ROLE_CLAIM };
}

async function discover(issuer: string): Promise<Discovery> {
  if (discoveryCache && discoveryCache.issuer === issuer && Date.now() - discoveryCache.at < 3_600_000) return discoveryCache.doc;
  const r = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
  if (!r.ok) throw errors.unavailable(`OIDC discovery failed: HTTP ${r.status}`);
  const doc = discoverySchema.parse(await r.json());
  if (doc.issuer.replace(/\/$/, '') !== issuer) throw errors.unavailable('OIDC discovery: issuer mismatch');
  discoveryCache = { issuer, at: Date.now(), doc };
  return doc;
}

function redirectUri(req: Request): string {
  const base = env().CASHTRACE_PUBLIC_URL ?? new URL(req.url).origin;
  return `${base.replace(/\/$/, '')}/api/auth/oidc/callback`;
}

function sign(data: string): string {
  return crypto.createHmac('sha256', sessionSecret()).update(`oidc.${data}`).digest('base64url');
}

interface FlowState {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  exp: number;
}

/** The provider's authorization URL and the signed, short-lived cookie that remembers the flow. */
export async function startOidc(req: Request, next: string): Promise<{ url: string; cookie: string }> {
  const cfg = oidcConfig();
  if (!cfg) throw errors.badRequest('OIDC is not configured');
  const d = await discover(cfg.issuer);
  const flow: FlowState = {
    state: crypto.randomBytes(16).toString('base64url'),
    nonce: crypto.randomBytes(16).toString('base64url'),
    verifier: crypto.randomBytes(32).toString('base64url'),
    next: next.startsWith('/') && !next.startsWith('//') ? next : '/',
    exp: Date.now() + 10 * 60_000,
  };
  const url = new URL(d.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: redirectUri(req),
    scope: 'openid profile email',
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: crypto.createHash('sha256').update(flow.verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const body = Buffer.from(JSON.stringify(flow)).toString('base64url');
  const secure = new URL(req.url).protocol === 'https:' ? '; Secure' : '';
  return { url: url.toString(), cookie: `${OIDC_COOKIE}=${body}.${sign(body)}; Path=/api/auth/oidc; Max-Age=600; HttpOnly; SameSite=Lax${secure}` };
}

function readFlow(cookieValue: string | undefined): FlowState | null {
  if (!cookieValue) return null;
  const [body, mac] = cookieValue.split('.');
  if (!body || !mac) return null;
  const expected = sign(body);
  if (mac.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return null;
  const flow = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as FlowState;
  return flow.exp > Date.now() ? flow : null;
}

const jwkSchema = z.object({ kid: z.string().optional(), kty: z.string(), alg: z.string().optional() }).passthrough();

async function verifyIdToken(idToken: string, d: Discovery, clientId: string, nonce: string): Promise<Record<string, unknown>> {
  const [h, p, s] = idToken.split('.');
  if (!h || !p || !s) throw errors.unauthorized('malformed ID token');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; kid?: string };
  if (header.alg !== 'RS256' && header.alg !== 'ES256') throw errors.unauthorized(`unsupported ID token algorithm ${header.alg}`);
  const jwks = z.object({ keys: z.array(jwkSchema) }).parse(await (await fetch(d.jwks_uri, { signal: AbortSignal.timeout(10_000) })).json());
  const jwk = jwks.keys.find((k) => (header.kid ? k.kid === header.kid : true) && (!k.alg || k.alg === header.alg));
  if (!jwk) throw errors.unauthorized('no signing key for the ID token');
  const key = crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: 'jwk' });
  const ok = crypto.verify('sha256', Buffer.from(`${h}.${p}`), header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, Buffer.from(s, 'base64url'));
  if (!ok) throw errors.unauthorized('ID token signature is invalid');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const now = Date.now() / 1000;
  if (String(claims.iss).replace(/\/$/, '') !== d.issuer.replace(/\/$/, '')) throw errors.unauthorized('ID token issuer mismatch');
  if (!aud.includes(clientId)) throw errors.unauthorized('ID token audience mismatch');
  if (typeof claims.exp !== 'number' || claims.exp < now - 60) throw errors.unauthorized('ID token expired');
  if (claims.nonce !== nonce) throw errors.unauthorized('ID token nonce mismatch');
  return claims;
}

/** The most privileged Cashtrace role named in the claim (a string or a list). */
export function roleFromClaim(v: unknown): Role | null {
  const values = (Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,]+/) : []).map((x) => String(x).toLowerCase());
  return [...ROLES].reverse().find((r) => values.includes(r)) ?? null;
}

async function upsertOidcUser(store: Store, claims: Record<string, unknown>, role: Role): Promise<UserRow> {
  const id = `usr_oidc_${crypto.createHash('sha256').update(`${claims.iss}|${claims.sub}`).digest('hex').slice(0, 16)}`;
  const existing = await getUserById(store, id);
  const display = String(claims.name ?? claims.preferred_username ?? claims.email ?? claims.sub);
  if (existing) {
    if (existing.disabled) throw errors.forbidden('this account is disabled in Cashtrace');
    return (await updateUser(store, id, { role, display_name: display })) ?? existing;
  }
  let username = String(claims.preferred_username ?? claims.email ?? claims.sub).toLowerCase().replace(/[^a-z0-9._@-]/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 56) || 'user';
  if (username.length < 2 || (await getUserByUsername(store, username))) username = `${username}-${id.slice(-4)}`;
  return createUser(store, { id, username, display_name: display, role, origin: 'oidc' });
}

/** Completes the flow: checks state, exchanges the code, verifies the ID token, signs the user in. */
export async function finishOidc(store: Store, req: Request, flowCookie: string | undefined): Promise<{ user: UserRow; next: string }> {
  const cfg = oidcConfig();
  if (!cfg) throw errors.badRequest('OIDC is not configured');
  const url = new URL(req.url);
  if (url.searchParams.get('error')) throw errors.unauthorized(`identity provider: ${url.searchParams.get('error_description') ?? url.searchParams.get('error')}`);
  const flow = readFlow(flowCookie);
  const state = url.searchParams.get('state');
  if (!flow || !state || state !== flow.state) throw errors.unauthorized('sign-in expired or state mismatch; start again');
  const code = url.searchParams.get('code');
  if (!code) throw errors.badRequest('missing authorization code');
  const d = await discover(cfg.issuer);
  const r = await fetch(d.token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(cfg.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(req), code_verifier: flow.verifier }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) throw errors.unauthorized(`token exchange failed: HTTP ${r.status}`);
  const tokens = z.object({ id_token: z.string() }).parse(await r.json());
  const claims = await verifyIdToken(tokens.id_token, d, cfg.clientId, flow.nonce);
  const role = roleFromClaim(claims[cfg.roleClaim]);
  if (!role) throw errors.forbidden(`your identity has no Cashtrace role (claim "${cfg.roleClaim}" should contain one of ${ROLES.join(', ')})`);
  return { user: await upsertOidcUser(store, claims, role), next: flow.next };
}
