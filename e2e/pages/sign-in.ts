// Signing in as a demo user (the login page's demo buttons), not the bootstrap admin token the
// project sends: for specs that act as a role (actions.spec, actions-sla.spec). Such a spec drops
// the token first: test.use({ extraHTTPHeaders: {} }).

import { expect, type Page } from '@playwright/test';

export async function signIn(page: Page, role: 'finance' | 'executive' | 'pmo') {
  await page.goto('/stuck');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByTestId('demo-credentials')).toBeVisible();
  await page.getByTestId(`demo-user-${role}`).click();
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('user-role')).toHaveText(role);
}
