// Admin: per-source signing secrets through the UI. Generate a Stripe secret (shown once),
// send a delivery signed with it by the stripe library to the real collector, rotate (both
// verify during the overlap), revoke the old one (401), and check the page never shows a
// secret again once its box is dismissed.

import fs from 'node:fs';
import Stripe from 'stripe';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { SCREENSHOT_DIR } from './env';
import { SigningSecretsPanel } from './pages/admin-page';

const stripe = new Stripe('sk_test_dummy');
const fixture = fs.readFileSync('collectors/stripe/fixtures/invoice.paid.json', 'utf8');
let n = 0;

async function deliver(request: APIRequestContext, secret: string): Promise<number> {
  const body = fixture.replace('evt_1QfYx2LkdIwHu7ixQ0b1nZ8c', `evt_e2e_signing_${Date.now()}_${n++}`);
  const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
  const res = await request.post('/api/ingest/stripe', { headers: { 'content-type': 'application/json', 'stripe-signature': header }, data: body });
  return res.status();
}

test('an admin creates, rotates and revokes a Stripe signing secret that the collector honours', async ({ page, request }) => {
  const panel = new SigningSecretsPanel(page);
  await panel.goto();
  await expect(panel.source('stripe')).toContainText('in CASHTRACE_STRIPE_SECRET');

  const first = await panel.create('stripe', 'e2e Stripe endpoint');
  expect(first).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
  await expect(panel.row('stripe', first)).toContainText('active');
  expect(await deliver(request, first)).toBe(200);

  const second = await panel.rotate('stripe', first);
  expect(second).not.toBe(first);
  expect(await deliver(request, first)).toBe(200);
  expect(await deliver(request, second)).toBe(200);

  await panel.revoke('stripe', first);
  expect(await deliver(request, first)).toBe(401);
  expect(await deliver(request, second)).toBe(200);

  const pasted = 'e2e-xero-key-issued-by-xero-0123456789';
  expect(await panel.create('xero', 'pasted Xero key', pasted)).toBe(pasted);
  await expect(panel.row('xero', pasted)).toContainText('supplied');

  await expect(page.locator('body')).not.toContainText(first.slice(10));
  await expect(page.locator('body')).not.toContainText(second.slice(10));
  await expect(page.locator('body')).not.toContainText(pasted.slice(4));
  await page.screenshot({ path: `${SCREENSHOT_DIR}/admin-signing-secrets.png`, fullPage: true });
});
