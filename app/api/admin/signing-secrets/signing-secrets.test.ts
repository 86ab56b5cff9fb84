// Admin-managed signing secrets through the real route handlers and the real Stripe
// collector route: a secret created at /api/admin/signing-secrets verifies a delivery signed
// by the stripe library; rotation keeps both secrets valid until the old one is revoked; a
// revoked secret gets 401 and nothing is stored; the value is shown once (never listed,
// never audited, encrypted at rest); only admins manage them; env and managed secrets mix.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '@/lib/runtime';
import { sql } from '@/lib/clickhouse/sql';
import { resetEnvForTests } from '@/lib/env';
import { BASE, params, req, signInAs, type Session } from '@/lib/testing/auth-requests';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashtrace-signing-'));
process.env.CASHTRACE_DATA_DIR = dir;
process.env.CASHTRACE_CONNECTORS = 'off';
delete process.env.CASHTRACE_STRIPE_SECRET;
delete process.env.CASHTRACE_SECRETS_KEY;
resetEnvForTests();

const stripe = new Stripe('sk_test_dummy');
const fixture = fs.readFileSync(path.resolve('collectors/stripe/fixtures/invoice.paid.json'), 'utf8');
type Shown = { secret: string; signing_secret: { id: string; source: string; prefix: string; fingerprint: string; origin: string; rotated_from: string } };

let rt: Runtime;
let admin: Session;
let finance: Session;
let list: typeof import('./route');
let one: typeof import('./[id]/route');
let ingest: typeof import('../../ingest/stripe/route');
let n = 0;

/** A Stripe invoice.paid delivery with a fresh event id, signed with `secret` by the stripe library. */
async function deliver(secret: string): Promise<{ status: number; eventId: string; text: string }> {
  const eventId = `evt_signing_${Date.now()}_${n++}`;
  const body = fixture.replace('evt_1QfYx2LkdIwHu7ixQ0b1nZ8c', eventId);
  const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
  const res = await ingest.POST(new Request(`${BASE}/api/ingest/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body }));
  return { status: res.status, eventId, text: await res.text() };
}
const stored = async (eventId: string) =>
  (await rt.store.query(sql`SELECT count() AS n FROM events WHERE event_id = ${eventId}`, z.object({ n: z.coerce.number() })))[0].n;
const deadLetters = async () => (await rt.store.query(sql`SELECT count() AS n FROM dead_letters`, z.object({ n: z.coerce.number() })))[0].n;

async function create(body: Record<string, unknown>, session = admin) {
  return list.POST(req('/api/admin/signing-secrets', { method: 'POST', session, body }));
}
async function rotate(id: string, body: Record<string, unknown> = {}) {
  return one.POST(req(`/api/admin/signing-secrets/${id}`, { method: 'POST', session: admin, body }), params({ id }));
}
async function revoke(id: string) {
  return one.DELETE(req(`/api/admin/signing-secrets/${id}`, { method: 'DELETE', session: admin }), params({ id }));
}

beforeAll(async () => {
  const { getRuntime } = await import('@/lib/runtime');
  rt = await getRuntime();
  const login = await import('../../auth/login/route');
  [list, one, ingest] = await Promise.all([import('./route'), import('./[id]/route'), import('../../ingest/stripe/route')]);
  admin = await signInAs(login.POST, 'admin');
  finance = await signInAs(login.POST, 'finance');
});
afterAll(async () => {
  await rt.shutdown();
  await rt.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('admin-managed signing secrets', () => {
  let first: Shown;

  it('without any secret the collector answers 401 naming both ways to configure one', async () => {
    const r = await deliver('whsec_nobody_configured_this_0000');
    expect(r.status).toBe(401);
    expect(r.text).toContain('CASHTRACE_STRIPE_SECRET');
    expect(r.text).toContain('/admin');
  });

  it('a generated secret (whsec_…, shown once) verifies a delivery signed by the stripe library', async () => {
    const res = await create({ source: 'stripe', name: 'Stripe live endpoint' });
    expect(res.status).toBe(201);
    first = (await res.json()) as Shown;
    expect(first.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    expect(first.signing_secret).toMatchObject({ source: 'stripe', origin: 'generated', rotated_from: '', prefix: first.secret.slice(0, 10) });
    const r = await deliver(first.secret);
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ received: true, accepted: 1 });
    expect(await stored(r.eventId)).toBe(1);
    expect((await deliver('whsec_some_other_secret_00000000')).status).toBe(401);
  });

  it('stores the secret encrypted, never in plaintext', async () => {
    const rows = await rt.store.query(sql`SELECT * FROM signing_secrets WHERE id = ${first.signing_secret.id}`, z.record(z.string(), z.unknown()));
    expect(rows.length).toBeGreaterThan(0);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(first.secret);
    expect(text).not.toContain(first.secret.slice(6));
    const sealed = String(rows[0].secret_sealed);
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    const { open } = await import('@/lib/auth/secret-box');
    expect(open(sealed, first.signing_secret.id)).toBe(first.secret);
    expect(() => open(sealed, 'sgs_another_row')).toThrow(); // bound to its row
  });

  it('rotation: old and new verify during the overlap; the revoked one gets 401 and nothing is stored', async () => {
    const res = await rotate(first.signing_secret.id);
    expect(res.status).toBe(201);
    const second = (await res.json()) as Shown;
    expect(second.secret).not.toBe(first.secret);
    expect(second.signing_secret).toMatchObject({ source: 'stripe', name: 'Stripe live endpoint', rotated_from: first.signing_secret.id });
    expect((await deliver(first.secret)).status).toBe(200);
    expect((await deliver(second.secret)).status).toBe(200);

    expect((await revoke(first.signing_secret.id)).status).toBe(200);
    const before = await deadLetters();
    const refused = await deliver(first.secret);
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('does not match any active secret');
    expect(await stored(refused.eventId)).toBe(0);
    expect(await deadLetters()).toBe(before);
    expect((await deliver(second.secret)).status).toBe(200);

    // a revoked secret cannot be rotated; revoking twice is harmless
    expect((await rotate(first.signing_secret.id)).status).toBe(404);
    expect((await revoke(first.signing_secret.id)).status).toBe(200);
    expect((await revoke('sgs_missing')).status).toBe(404);
  });

  it('accepts a secret the vendor issued (pasted), refuses the same one twice while active', async () => {
    const vendorIssued = 'whsec_issued_by_the_vendor_dashboard_0123';
    const res = await create({ source: 'stripe', name: 'pasted from the Stripe dashboard', secret: vendorIssued });
    expect(res.status).toBe(201);
    const shown = (await res.json()) as Shown;
    expect(shown.secret).toBe(vendorIssued);
    expect(shown.signing_secret.origin).toBe('supplied');
    expect((await deliver(vendorIssued)).status).toBe(200);
    expect((await create({ source: 'stripe', name: 'again', secret: vendorIssued })).status).toBe(409);
    expect((await create({ source: 'stripe', name: 'blank', secret: 'has white space in it' })).status).toBe(400);
    expect((await create({ source: 'paypal', name: 'unknown source' })).status).toBe(400);
    // other vendors' shapes when generated
    const hub = (await (await create({ source: 'hubspot', name: 'HubSpot app' })).json()) as Shown;
    expect(hub.secret).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const xero = (await (await create({ source: 'xero', name: 'Xero webhook key' })).json()) as Shown;
    expect(Buffer.from(xero.secret, 'base64')).toHaveLength(64);
  });

  it('the list and the audit trail never contain a secret', async () => {
    const res = await list.GET(req('/api/admin/signing-secrets', { session: admin }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sources: { source: string; variable: string; env_secrets: number }[]; key: { origin: string }; secrets: Record<string, unknown>[] };
    expect(body.sources.find((s) => s.source === 'stripe')).toEqual({ source: 'stripe', variable: 'CASHTRACE_STRIPE_SECRET', env_secrets: 0 });
    expect(body.key.origin).toBe('data directory');
    expect(body.secrets.length).toBeGreaterThanOrEqual(5);
    expect(body.secrets.every((s) => !('secret_sealed' in s) && !('secret' in s))).toBe(true);
    const text = JSON.stringify(body);
    expect(text).not.toContain(first.secret);
    expect(text).not.toContain('whsec_issued_by_the_vendor_dashboard_0123');

    const audit = await import('../../audit/route');
    const entries = (await (await audit.GET(req('/api/audit?action=signing_secret.', { session: admin }))).json()) as { entries: { action: string; details: string }[] };
    expect(entries.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['signing_secret.create', 'signing_secret.rotate', 'signing_secret.revoke']));
    const all = await rt.store.query(sql`SELECT * FROM audit_log`, z.record(z.string(), z.unknown()));
    const auditText = JSON.stringify(all);
    expect(auditText).not.toContain(first.secret);
    expect(auditText).not.toContain('whsec_issued_by_the_vendor_dashboard_0123');
  });

  it('refuses non-admins', async () => {
    expect((await create({ source: 'stripe', name: 'finance tries' }, finance)).status).toBe(403);
    expect((await list.GET(req('/api/admin/signing-secrets', { session: finance }))).status).toBe(403);
    const id = first.signing_secret.id;
    expect((await one.POST(req(`/api/admin/signing-secrets/${id}`, { method: 'POST', session: finance, body: {} }), params({ id }))).status).toBe(403);
    expect((await one.DELETE(req(`/api/admin/signing-secrets/${id}`, { method: 'DELETE', session: finance }), params({ id }))).status).toBe(403);
  });

  it('environment secrets and admin-managed ones are both accepted', async () => {
    process.env.CASHTRACE_STRIPE_SECRET = 'whsec_from_the_environment_000000';
    resetEnvForTests();
    try {
      expect((await deliver('whsec_from_the_environment_000000')).status).toBe(200);
      expect((await deliver('whsec_issued_by_the_vendor_dashboard_0123')).status).toBe(200);
      const body = (await (await list.GET(req('/api/admin/signing-secrets', { session: admin }))).json()) as { sources: { source: string; env_secrets: number }[] };
      expect(body.sources.find((s) => s.source === 'stripe')?.env_secrets).toBe(1);
    } finally {
      delete process.env.CASHTRACE_STRIPE_SECRET;
      resetEnvForTests();
    }
  });

  it('a change made by another process is picked up by the periodic refresh', async () => {
    const { refreshSigningSecrets, managedSigningSecrets } = await import('@/lib/auth/signing-secrets');
    const before = managedSigningSecrets('stripe').length;
    const { createSigningSecret } = await import('@/lib/auth/signing-secrets');
    const { secret } = await createSigningSecret(rt.store, { source: 'stripe', name: 'other process', created_by: 'test' });
    managedSigningSecrets('stripe').splice(0); // as if this process had not seen it
    await refreshSigningSecrets(rt.store);
    expect(managedSigningSecrets('stripe')).toContain(secret);
    expect(managedSigningSecrets('stripe')).toHaveLength(before + 1);
  });

  it('a collector process that has not loaded them yet does so on its first delivery', async () => {
    const { managedSigningSecrets } = await import('@/lib/auth/signing-secrets');
    managedSigningSecrets('stripe').splice(0);
    const marked = rt.store as unknown as Record<symbol, unknown>;
    delete marked[Symbol.for('cashtrace.managedCredentials')];
    const r = await deliver('whsec_issued_by_the_vendor_dashboard_0123');
    expect(r.status, r.text).toBe(200);
  });
});
