// Admin: the audit trail viewer, a page at a time. 30 exports (each one an audit entry), then
// the viewer filtered to them, 25 a page: 25 on the first page, the rest on the second, none
// on both, newest first; a new filter or page size starts again from the first page.

import { expect, test } from '@playwright/test';
import { SCREENSHOT_DIR } from './env';
import { AuditPanel } from './pages/admin-page';

test('the audit trail viewer pages through the entries a filter matches', async ({ page, request }) => {
  // 30 exports: of a list that is cheap to read (dead letters matching nothing)
  test.setTimeout(90_000);
  const marker = `audit-e2e-${Date.now()}`;
  // the dead-letter exports earlier tests made (this pass's tests run one at a time)
  const earlier = await request.get('/api/audit?action=data.export&target=/api/dead-letters&limit=10000');
  expect(earlier.status()).toBe(200);
  const total = (await earlier.json()).entries.length + 30;
  for (let round = 0; round < 3; round++) {
    const done = await Promise.all(Array.from({ length: 10 }, () => request.get(`/api/dead-letters?q=${marker}&format=csv`)));
    for (const r of done) expect(r.status()).toBe(200);
  }
  const audit = new AuditPanel(page);
  await page.goto('/admin');
  await audit.filter('action', 'data.export');
  await audit.filter('target', '/api/dead-letters');
  await expect(audit.rows).toHaveCount(Math.min(total, 200)); // 200 a page at first
  await audit.pageSize(25);
  await expect(audit.rows).toHaveCount(25);
  await expect(audit.pager).toContainText('Page 1');
  const first = await audit.entries();
  // newest first
  const times = first.map((e) => e.at);
  expect([...times].sort().reverse()).toEqual(times);
  await audit.next.click();
  await expect(audit.pager).toContainText('Page 2');
  await expect.poll(async () => (await audit.entries())[0]?.id).not.toBe(first[0].id);
  const second = await audit.entries();
  expect(second).toHaveLength(Math.min(total - 25, 25));
  const ids = new Set(first.map((e) => e.id));
  expect(second.filter((e) => ids.has(e.id))).toEqual([]);
  expect(second[0].at <= times[times.length - 1]).toBe(true);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/admin-audit-page-2.png`, fullPage: false });
  // another filter: its own first page
  await audit.filter('outcome', 'ok');
  await expect(audit.pager).toContainText('Page 1');
  await expect(audit.rows).toHaveCount(25);
  // another page size: the first page again
  await audit.next.click();
  await expect(audit.pager).toContainText('Page 2');
  await audit.pageSize(50);
  await expect(audit.rows).toHaveCount(Math.min(total, 50));
  expect((await audit.entries())[0].id).toBe(first[0].id); // the newest again: the first page
});
