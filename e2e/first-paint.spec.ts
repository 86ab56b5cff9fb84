// The pages whose first data is computed on the server (app/_components/prefetch.tsx) carry
// it in their HTML: the figures are on screen before the scripts load. Read as the browser
// gets it (the admin's token), before any script runs.

import { expect, test } from '@playwright/test';
import { DEAL_IDS } from '../lib/testing/deal-fixtures';
import { seedViews } from './views-seed';
import { JourneyPage } from './pages/journey-page';
import { gotoOnScreen } from './on-screen';

test.beforeAll(async ({ request }) => {
  await seedViews(request);
});

for (const [url, testId, what] of [
  ['/', 'kpi-tiles', 'the KPI tiles'],
  ['/integrations', 'flow-row', 'the flow table'],
  ['/variants', 'variant-row', 'the paths'],
  [JourneyPage.url(DEAL_IDS.A), 'timeline-event', 'the journey'],
  ['/deals?q=INV-A1', 'deal-row', 'the matching deals'],
  ['/stuck', 'queue-cards', 'the queues'],
  ['/leakage', 'leakage-record', 'the first records'],
  ['/sla', 'sla-breaches', 'the breaches'],
  ['/finance', 'stuck-row', 'the first stuck invoices'],
  ['/pmo', 'stuck-row', 'the first unprovisioned projects'],
] as const) {
  test(`${url} has ${what} in its HTML`, async ({ request }) => {
    const res = await request.get(url);
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain(`data-testid="${testId}"`);
  });
}

// The user goes down with the page (app/(dashboard)/layout.tsx): the nav names them and the
// rows carry their role's controls in the HTML, not one fetch of /api/auth/me later.
test('the signed-in user is rendered with the page: the nav names them, the stuck rows carry their controls', async ({ request }) => {
  const html = await (await request.get('/finance')).text();
  expect(html).toMatch(/data-testid="user-role"[^>]*>admin</);
  expect(html).toContain('data-testid="stuck-row"');
  expect(html).toContain('data-testid="action-button"');
});

// Next.js sends a 404's page as an error shell its scripts render (what the browser then shows: deal-journey.spec.ts).
test('an unknown deal answers 404, without data', async ({ request }) => {
  const res = await request.get(JourneyPage.url('crm:opportunity:NOPE'));
  expect(res.status()).toBe(404);
  expect(await res.text()).not.toContain('data-testid="timeline-event"');
});

// React's production build reports a hydration mismatch as a console error (minified #418/#423/#425);
// these pages log no error at all.
test('the server-rendered pages hydrate without a mismatch', async ({ page }) => {
  const errors: string[] = [];
  let at = '';
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${at}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${at}: ${e.message}`));
  for (const [url, testId] of [
    ['/', 'kpi-tiles'], ['/integrations', 'flow-row'], ['/variants', 'variant-row'], [JourneyPage.url(DEAL_IDS.A), 'timeline-event'],
    ['/deals?q=INV-A1', 'deal-row'], ['/stuck', 'queue-cards'], ['/leakage', 'leakage-record'], ['/finance', 'stuck-row'],
    ['/sla', 'sla-breaches'], ['/pmo', 'stuck-row'],
    // a control character in a filter (a hand-edited URL) was rendered by the server and read back otherwise by the browser (#418): dropped now
    ['/deals?q=INV-A1&region=%00', 'deal-row'],
  ]) {
    at = url;
    await gotoOnScreen(page, url, page.getByTestId(testId), `${url} data on screen (first-paint spec)`);
    await page.waitForLoadState('networkidle');
  }
  expect(errors).toEqual([]);
});
