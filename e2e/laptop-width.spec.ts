// On a 1280-px laptop every work table fits its panel: the last columns (a queue's Actions,
// a breach's Value) are on screen without scrolling sideways. Until 2026-12-03 names and
// record keys never wrapped and the queues ran 80–420 px past their panels at this width.

import { expect, test, type Page } from '@playwright/test';
import { DEAL_IDS } from '../lib/testing/deal-fixtures';
import { SCREENSHOT_DIR } from './env';
import { JourneyPage } from './pages/journey-page';
import { seedViews } from './views-seed';

test.use({ viewport: { width: 1280, height: 800 } });

test.beforeAll(async ({ request }) => {
  await seedViews(request);
});

/** The tables each page must show once its data is in (a table, not its empty state). */
const PAGES: { path: string; tables: string[] }[] = [
  { path: '/stuck', tables: ['stuck-queue-table'] },
  { path: '/finance', tables: ['stuck-invoices-table', 'unbilled-work-table'] },
  { path: '/pmo', tables: ['unprovisioned-table'] },
  { path: '/sla', tables: ['sla-policies', 'sla-breaches'] },
  { path: '/leakage', tables: ['leakage-records'] },
  { path: '/deals', tables: ['deals-table'] },
  { path: '/integrations', tables: ['flow-table'] },
  // journeys' event lists: deal C's contract ID is long and hostile, deal A has every system
  { path: JourneyPage.url(DEAL_IDS.A), tables: ['event-list'] },
  { path: JourneyPage.url(DEAL_IDS.C), tables: ['event-list'] },
];

/** Every `table.data` on the page whose scrolling panel is narrower than the table: testid and widths. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('table.data')].flatMap((table) => {
      let box: HTMLElement | null = table.parentElement;
      while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
      if (!box || box.scrollWidth <= box.clientWidth + 1) return [];
      return [`${table.getAttribute('data-testid') ?? '(table)'}: ${box.scrollWidth} px in ${box.clientWidth}`];
    }),
  );
}

for (const { path, tables } of PAGES) {
  test(`${path}: tables fit a 1280-px window`, async ({ page }) => {
    await page.goto(path);
    for (const id of tables) await expect(page.getByTestId(id).locator('tbody tr').first()).toBeVisible();
    // Every section of the page has loaded (each shows '.loading', or is aria-busy, until its
    // data is in): the page's other tables are checked too, and the screenshots show them.
    await expect(page.locator('.loading, [aria-busy="true"]')).toHaveCount(0);
    expect(await overflowing(page)).toEqual([]);
    if (path === '/stuck') await page.screenshot({ path: `${SCREENSHOT_DIR}/stuck-1280.png`, fullPage: true });
    if (path === JourneyPage.url(DEAL_IDS.A)) await page.screenshot({ path: `${SCREENSHOT_DIR}/deal-journey-1280.png`, fullPage: true });
  });
}
