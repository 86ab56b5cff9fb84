// Finance: filter the stuck-invoice queue, sort it by value, export it as CSV.

import { expect, test } from '@playwright/test';
import { E2E_REPORTING_CURRENCY, SCREENSHOT_DIR } from './env';
import { seedViews } from './views-seed';
import { stepLabel } from '../app/_components/journey-format';

test.beforeAll(async ({ request }) => {
  await seedViews(request);
});
import { QueueTable } from './pages/views-page';

test('filter the stuck-invoice queue, sort by value and export CSV', async ({ page }) => {
  await page.goto('/finance');
  const invoices = new QueueTable(page, 'stuck-invoices');
  await invoices.ready();
  await expect(invoices.rows.first()).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/finance.png`, fullPage: true });

  // default order: most money at risk first
  const desc = await invoices.values();
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  await invoices.sortBy('value').click();
  await expect(invoices.sortBy('value')).toContainText('▲');
  await expect.poll(async () => { const v = await invoices.values(); return v.join() === [...v].sort((a, b) => a - b).join() && v.length > 0; }).toBe(true);

  // filter by the customer of the first row
  const customer = (await invoices.rows.first().locator('td').nth(1).textContent())!.trim();
  await invoices.search.fill(customer);
  await expect.poll(async () => (await invoices.rows.locator('td:nth-child(2)').allTextContents()).every((c) => c.trim() === customer)).toBe(true);

  // the export link carries the queue's current query (filter, sort) with format=csv
  const href = (await invoices.csv.getAttribute('href'))!;
  expect(href).toContain('format=csv');
  expect(href).toContain(`q=${encodeURIComponent(customer).replace(/%20/g, '+')}`);
  const res = await page.request.get(href);
  expect(res.headers()['content-type']).toContain('text/csv');
  const text = await res.text();
  expect(text.split('\r\n')[0]).toBe('id,rule,owner,state,assignee,state_by,state_at,snoozed_until,entity_key,correlation_id,customer,region,legal_entity,since,late_hours,aging_bucket,amount,currency,value,last_event_type,last_event_at,value_currency');
  expect(text.split('\r\n')[1]).toMatch(new RegExp(`,${E2E_REPORTING_CURRENCY}$`));
  expect(text).toContain('invoice-not-collected:erp:invoice:');
  expect(text).toContain(customer);
  // the deal's last event named as the journey names its steps; the CSV keeps the event type
  const shown = (await invoices.rows.getByTestId('stuck-last-event').allTextContents()).map((t) => t.trim());
  const types = text.trim().split('\r\n').slice(1).map((l) => l.split(',').at(-3)!);
  expect(shown.length).toBeGreaterThan(0);
  expect(shown).toEqual(types.slice(0, shown.length).map(stepLabel));
});
