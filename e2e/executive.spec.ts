// The executive: from the overview's leakage tile to the records behind it, then to one
// record's deal journey. Screenshots of the overview and the leakage view.

import { expect, test } from '@playwright/test';
import { E2E_REPORTING_CURRENCY, SCREENSHOT_DIR } from './env';
import { gotoOnScreen } from './on-screen';
import { seedViews } from './views-seed';

test.beforeAll(async ({ request }) => {
  test.setTimeout(120_000);
  await seedViews(request);
  // a deal booked an hour ago (nothing of it overdue) whose CRM event names no region: the
  // overview's breakdown lists it as "(none)"
  const at = new Date(Date.now() - 3_600_000).toISOString();
  const deal = { source: 'crm', occurred_at: at, amount: 5000, currency: 'EUR' };
  const events = [
    { ...deal, event_id: 'e2e-exec-noregion-won', type: 'opportunity.won', entity_type: 'opportunity', entity_id: 'OPP-NOREGION', attributes: { customer: 'Unplaced Co', practice: 'Advisory', legal_entity: 'DE01', billing_model: 'fixed_fee' } },
    { ...deal, event_id: 'e2e-exec-noregion-signed', type: 'contract.signed', source: 'clm', entity_type: 'contract', entity_id: 'CTR-NOREGION', refs: ['crm:opportunity:OPP-NOREGION'] },
  ];
  await ingestAccepted(request, events);
  await expect
    .poll(async () => ((await (await request.get('/api/kpis')).json()) as { breakdowns: { region: { value: string }[] } }).breakdowns.region.map((r) => r.value), {
      message: 'the deal without a region in the overview’s breakdown',
      timeout: 60_000,
    })
    .toContain('');
});
import { OverviewPage } from './pages/views-page';
import { ingestAccepted } from './ingest';

test('drill from the leakage tile to a record and its journey', async ({ page }) => {
  const overview = new OverviewPage(page);
  await gotoOnScreen(page, '/', overview.tiles, 'overview KPIs on screen after navigation');
  await expect(page.getByTestId('kpi-quote_to_cash')).toBeVisible();
  await expect(overview.waterfall).toBeVisible();
  // The legend lists the bars in the order they are drawn (recharts sorts by label unless told).
  await expect(overview.breakdownLegend()).toHaveText(['Booked', 'Invoiced', 'Collected']);
  // the chart names each group as the table does, the deals that carry no region among them (not a blank label)
  const regions = await overview.breakdownTableValues().allTextContents();
  expect(regions).toContain('(none)');
  await expect(overview.breakdownLabels()).toHaveText(regions);
  await expect(overview.leakageTile).not.toContainText('…');
  // The SLA and stuck tiles load from their own endpoints: wait for their figures too.
  for (const tile of ['tile-sla', 'tile-stuck']) await expect(page.getByTestId(tile)).not.toContainText('…');
  // The stuck tile counts what the queues hold and how many queues hold it (thousands separated).
  const summary = (await (await page.request.get('/api/stuck')).json()) as { queues: { count: number }[] };
  const items = summary.queues.reduce((n, q) => n + q.count, 0);
  const holding = summary.queues.filter((q) => q.count > 0).length;
  expect(holding).toBeGreaterThan(1);
  await expect(page.getByTestId('tile-stuck')).toContainText(`${items.toLocaleString('en-GB')} items across ${holding} queues`);
  // every total in the reporting currency (CASHTRACE_REPORTING_CURRENCY: the server pass reports in US dollars)
  await expect(page.getByText(`money in ${E2E_REPORTING_CURRENCY}.`)).toBeVisible();
  await expect(overview.leakageTile).toContainText(E2E_REPORTING_CURRENCY === 'USD' ? 'US$' : '€');
  // a target set by CASHTRACE_KPI_TARGETS (dso=50), the others built in
  await expect(page.getByTestId('kpi-dso')).toContainText('target 50 d');
  await expect(page.getByTestId('kpi-quote_to_cash')).toContainText('target 60 d');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/overview.png`, fullPage: true });

  await overview.leakageTile.click();
  await expect(page).toHaveURL(/\/leakage/);
  const records = page.getByTestId('leakage-record');
  await expect(records.first()).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/leakage.png`, fullPage: true });

  const link = records.first().getByTestId('leakage-record-link');
  const key = (await link.textContent())!.trim();
  await link.click();
  await expect(page).toHaveURL(/\/deals\//);
  await expect(page.getByTestId('journey')).toBeVisible();
  await expect(page.getByTestId('journey')).toContainText(key.split(':').pop()!);
});
