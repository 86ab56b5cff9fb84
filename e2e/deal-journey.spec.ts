// Finance's first question: "where is the deal behind invoice INV-A1?" Search by the
// invoice number, open the journey, see one lane per system and an event's raw payload.
// Also records how long the journey's data takes to appear after navigation (reported,
// not asserted).

import { expect, test, type Page } from '@playwright/test';
import { DEAL_IDS } from '../lib/testing/deal-fixtures';
import { DEALS_PAGE_SIZE } from '../lib/contracts/deals';
import { VARIANTS_SHOWN } from '../lib/contracts/variants';
import { NO_VALUE } from '../lib/queries/filters';
import { BILLING_MODEL_LABEL } from '../app/_components/journey-format';
import { DealsPage } from './pages/deals-page';
import { JourneyPage } from './pages/journey-page';
import { E2E_INGEST_TOKEN, SCREENSHOT_DIR } from './env';
import { gotoOnScreen, holdScripts, reportTiming } from './on-screen';
import { ingestAccepted } from './ingest';

test('search a deal by its invoice number and read its journey', async ({ page, request }) => {
  test.setTimeout(120_000);
  const deals = new DealsPage(page);
  await deals.goto();
  await expect(deals.rows.first()).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/deals.png`, fullPage: true });
  // the collected amounts line up whatever their share's width (5%, 33%, 100%): three deals of
  // its own (the first page of the simulated firm's deals held only one-digit shares at times)
  const at = new Date(Date.now() - 3_600_000).toISOString();
  const shares = [50, 330, 1000].flatMap((paid, n) => {
    const opp = `OPP-E2E-SHARE-${n + 1}`;
    return [
      { event_id: `e2e-share-won-${n}`, source: 'crm', type: 'opportunity.won', occurred_at: at, entity_type: 'opportunity', entity_id: opp, amount: 1000, currency: 'EUR', attributes: { customer: 'Share Widths Ltd' } },
      { event_id: `e2e-share-ctr-${n}`, source: 'clm', type: 'contract.signed', occurred_at: at, entity_type: 'contract', entity_id: `CTR-E2E-SHARE-${n + 1}`, refs: [`crm:opportunity:${opp}`], amount: 1000, currency: 'EUR' },
      { event_id: `e2e-share-pay-${n}`, source: 'payments', type: 'payment.received', occurred_at: at, entity_type: 'payment', entity_id: `PAY-E2E-SHARE-${n + 1}`, refs: [`crm:opportunity:${opp}`], amount: paid, currency: 'EUR' },
    ];
  });
  await ingestAccepted(request, shares);
  await expect
    .poll(async () => ((await (await request.get('/api/deals?q=OPP-E2E-SHARE')).json()) as { deals: { paid_value: number }[] }).deals.filter((d) => d.paid_value > 0).length, {
      message: 'the three deals with a payment',
      timeout: 60_000,
    })
    .toBe(3);
  await deals.goto('?q=OPP-E2E-SHARE');
  await expect(deals.rows).toHaveCount(3);
  const collected = await page.getByTestId('deal-row').evaluateAll((rows) =>
    rows.flatMap((r) => {
      const amount = r.querySelector('[data-testid="deal-collected-amount"]');
      const share = r.querySelector('[data-testid="deal-collected-share"]');
      return amount && share ? [{ right: amount.getBoundingClientRect().right, share: share.textContent ?? '' }] : [];
    }),
  );
  expect(collected.map((c) => c.share).sort()).toEqual(['100%', '33%', '5%']);
  const rights = collected.map((c) => Math.round(c.right));
  expect(Math.max(...rights) - Math.min(...rights), `right edges of the collected amounts: ${rights.join(', ')}`).toBeLessThanOrEqual(1);

  await deals.searchFor('INV-A1');
  await expect(deals.rows).toHaveCount(1);
  await expect(deals.row(DEAL_IDS.A)).toContainText('Acme GmbH');
  await expect(deals.row(DEAL_IDS.A)).toContainText('€120,000.00');
  // its stage is "Collected" (a payment came in), and the money says how much of it did
  await expect(deals.row(DEAL_IDS.A)).toContainText('Collected');
  await expect(deals.row(DEAL_IDS.A).getByTestId('deal-collected-share')).toHaveText('33%');
  // its milestone's failed sync sits on IT's queue: the row says so before the deal is opened
  await expect(deals.row(DEAL_IDS.A).getByTestId('deal-overdue')).toHaveText('1 overdue');
  // the export carries the search: every deal it matches, as CSV
  const csvHref = (await page.getByTestId('deals-csv').getAttribute('href'))!;
  expect(csvHref).toContain('q=INV-A1');
  const csv = (await (await page.request.get(csvHref)).text()).trim().split('\r\n');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toContain(`${DEAL_IDS.A},Acme GmbH,EMEA`);

  const journey = new JourneyPage(page);
  const clicked = Date.now();
  await deals.openDeal(DEAL_IDS.A);
  await journey.timelineEvents.first().waitFor({ state: 'visible' });
  reportTiming('journey data on screen after clicking the deal', Date.now() - clicked);

  await expect(journey.title).toContainText('Acme GmbH');
  for (const system of ['crm', 'cpq', 'clm', 'erp', 'psa', 'payments', 'middleware']) {
    await expect(journey.lane(system)).toBeVisible();
  }
  await expect(journey.timelineEvents).toHaveCount(12);
  // every step of the path has happened, but the milestone's sync to the ERP failed and never
  // recovered: the card names that record (it is on IT's queue), not "Journey complete"
  await expect(journey.step('cash.applied')).toHaveAttribute('data-status', 'done');
  await expect(journey.nextStep.getByTestId('path-done')).toHaveText('Every step of the path has happened 1 still open');
  await expect(journey.openItems).toHaveCount(1);
  const sync = journey.openItem('sync-failed-unrecovered');
  await expect(sync).toContainText('Sync succeeded');
  await expect(sync).toContainText('MS-A1 → erp');
  await expect(sync.getByTestId('open-item-timing')).toContainText('late');
  await expect(sync.getByRole('link', { name: 'Failed sync not recovered' })).toHaveAttribute('href', '/stuck?rule=sync-failed-unrecovered');
  await expect(journey.nextStep).not.toContainText('Journey complete');

  await journey.event('fx-a-inv').click();
  await expect(journey.eventDetail).toHaveAttribute('data-event-id', 'fx-a-inv');
  await expect(journey.rawPayload).toContainText('"entity_id": "INV-A1"');
  await expect(journey.eventDetail).toContainText('erp:invoice:INV-A1');

  await journey.event('fx-a-sync').click();
  await expect(journey.traceLink).toHaveAttribute('href', '/integrations/traces/4bf92f3577b34da6a3ce929d0e0e4736');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/deal-journey.png`, fullPage: true });
});

test('a deal that deviates shows what came late and what is overdue next', async ({ page }) => {
  const journey = new JourneyPage(page);
  await gotoOnScreen(page, JourneyPage.url(DEAL_IDS.B), journey.timelineEvents, 'journey data on screen after direct navigation');

  // Provisioned without a sales order: both follow the signature, so the order and staffing
  // can come next, the billing schedule waits for the order; the order is the most overdue.
  await expect(journey.step('order.created')).toHaveAttribute('data-status', 'next');
  await expect(journey.step('resource.assigned')).toHaveAttribute('data-status', 'next');
  await expect(journey.step('billing_schedule.created')).toHaveAttribute('data-status', 'pending');
  await expect(journey.deviations).toHaveCount(1);
  await expect(journey.deviations.filter({ hasText: 'Project provisioned' })).toHaveAttribute('data-kind', 'late');
  await expect(journey.nextStep).toContainText('Order created');
  await expect(journey.nextStep).toContainText('follows the expected path');
  await expect(page.getByTestId('deviation-summary')).toHaveText('1 step late');
  await expect(page.getByTestId('next-step-status')).toContainText('late');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/deal-journey-deviations.png`, fullPage: true });
});

test('an event clicked before the page has hydrated is selected, and its address opens it selected', async ({ page }) => {
  // The app's scripts held back: the server-rendered journey is on screen, React not yet running it.
  const release = await holdScripts(page);
  const journey = new JourneyPage(page);
  try {
    await page.goto(JourneyPage.url(DEAL_IDS.A), { waitUntil: 'commit' });
    await journey.event('fx-a-inv').click();
    await expect(page).toHaveURL(/\?event=fx-a-inv$/);
    await expect(journey.eventDetail).toHaveAttribute('data-event-id', 'fx-a-inv');
    await expect(journey.event('fx-a-inv')).toHaveAttribute('aria-current', 'true');
  } finally {
    release();
  }
  // a click on the timeline or anywhere on a row of the list, the page hydrated or not yet
  await journey.event('fx-a-sync').click();
  await expect(journey.eventDetail).toHaveAttribute('data-event-id', 'fx-a-sync');
  await expect(page).toHaveURL(/\?event=fx-a-sync$/);
  await page.locator('[data-testid="event-row"][data-event-id="fx-a-inv"]').click();
  await expect(journey.eventDetail).toHaveAttribute('data-event-id', 'fx-a-inv');
  await expect(page).toHaveURL(/\?event=fx-a-inv$/);
  // the address opens the journey with that event selected
  await page.goto(`${JourneyPage.url(DEAL_IDS.A)}?event=fx-a-sync`);
  await expect(journey.eventDetail).toHaveAttribute('data-event-id', 'fx-a-sync');
});

test('a journey whose refresh fails stays on screen with the event selected, says so, and recovers', async ({ page }) => {
  test.setTimeout(90_000);
  const journey = new JourneyPage(page);
  await gotoOnScreen(page, JourneyPage.url(DEAL_IDS.A), journey.timelineEvents, 'journey data on screen after direct navigation');
  await journey.event('fx-a-inv').click();
  await expect(journey.eventDetail).toHaveAttribute('data-event-id', 'fx-a-inv');
  const notice = page.getByTestId('journey-refresh-failed');
  // the journey's own endpoint (not its open items) fails, as a busy store answers, then says the deal is gone
  const api = (url: URL) => url.pathname === `/api/deals/${encodeURIComponent(DEAL_IDS.A)}`;
  const answer = { status: 503, json: { error: { code: 'unavailable', message: 'the store is busy' } } };
  await page.route(api, (route) => route.fulfill(answer));
  // the next refresh (every 5 s) and its one retry
  await expect(notice).toContainText('Could not refresh the journey: the store is busy.', { timeout: 20_000 });
  await expect(notice).toContainText('Shown as of');
  await expect(journey.timelineEvents).toHaveCount(12);
  await expect(journey.eventDetail).toHaveAttribute('data-event-id', 'fx-a-inv');
  await expect(page.getByTestId('journey-error')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/deal-journey-refresh-failed.png`, fullPage: true });
  Object.assign(answer, { status: 404, json: { error: { code: 'not_found', message: 'no such deal' } } });
  await expect(notice).toContainText('No deal had this ID on the last refresh', { timeout: 20_000 });
  await expect(notice.getByRole('link', { name: 'find them' })).toHaveAttribute('href', `/deals?q=${encodeURIComponent(DEAL_IDS.A)}`);
  await expect(journey.eventDetail).toHaveAttribute('data-event-id', 'fx-a-inv');
  await page.unroute(api);
  await expect(notice).toHaveCount(0, { timeout: 20_000 });
  await expect(journey.eventDetail).toHaveAttribute('data-event-id', 'fx-a-inv');
});

/**
 * The requests the browser sees refused (4xx/5xx) from now on. A journey address that is no
 * deal's correlation ID is settled by the page's server (redirected, or the deals holding such
 * a record listed, or none): the browser asks the API nothing that 404s, and its console stays clean.
 */
function refusedRequests(page: Page): string[] {
  const refused: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`);
  });
  return refused;
}

test('an unknown deal answers 404 and says so, with the way to search for it', async ({ page }) => {
  const refused = refusedRequests(page);
  const res = await page.goto(JourneyPage.url('crm:opportunity:NOPE'));
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('journey-error')).toContainText('No deal has the correlation ID or a record “crm:opportunity:NOPE”.');
  await expect(page.getByRole('link', { name: 'Deals', exact: true })).toBeVisible(); // inside the dashboard, its navigation beside
  await page.screenshot({ path: `${SCREENSHOT_DIR}/unknown-deal.png` });
  expect(refused).toEqual([`404 ${res!.url()}`]); // the page itself, and nothing the browser asked after
  await page.getByTestId('journey-error').getByRole('link', { name: 'Search the deals for “crm:opportunity:NOPE”' }).click();
  await expect(page).toHaveURL(/\/deals\?q=crm%3Aopportunity%3ANOPE$/);
});

test('a journey address naming a record of a deal, by its bare ID or its key, opens that deal', async ({ page }) => {
  const refused = refusedRequests(page);
  // as an invoice number is pasted from an email, in any case
  for (const record of ['INV-A1', 'inv-a1', 'erp:invoice:INV-A1']) {
    await page.goto(JourneyPage.url(record));
    await expect(page).toHaveURL(new RegExp(`/deals/${encodeURIComponent(DEAL_IDS.A)}$`));
    await expect(page.getByTestId('journey')).toBeVisible();
    await expect(page.getByText('Acme GmbH').first()).toBeVisible();
  }
  expect(refused).toEqual([]);
  // answered before anything is streamed: a real redirect, for any HTTP client (not a 200 page that redirects once loaded)
  const res = await page.request.get(JourneyPage.url('inv-a1'), { maxRedirects: 0 });
  expect(res.status()).toBe(307);
  expect(res.headers()['location']).toMatch(new RegExp(`^(https?://[^/]+)?/deals/${encodeURIComponent(DEAL_IDS.A)}$`));
});

test('a journey address naming a record several deals hold lists them; each opens its deal', async ({ page, request }) => {
  // two deals, each with a staffing record numbered RA-E2E-SHARED (one in the PSA, one in the ERP)
  const won = (id: string) => ({ event_id: `e2e-shared-${id}`, source: 'crm', type: 'opportunity.won', occurred_at: '2026-04-02T09:00:00Z', entity_type: 'opportunity', entity_id: id, amount: 100, currency: 'EUR', attributes: { customer: `Shared ${id}` } });
  const res = await request.post('/api/ingest/events', {
    headers: { authorization: `Bearer ${E2E_INGEST_TOKEN}` },
    data: [
      won('OPP-E2E-SH1'),
      won('OPP-E2E-SH2'),
      { event_id: 'e2e-shared-ra1', source: 'psa', type: 'resource.assigned', occurred_at: '2026-04-03T09:00:00Z', entity_type: 'assignment', entity_id: 'RA-E2E-SHARED', refs: ['crm:opportunity:OPP-E2E-SH1'] },
      { event_id: 'e2e-shared-ra2', source: 'erp', type: 'resource.assigned', occurred_at: '2026-04-03T09:00:00Z', entity_type: 'assignment', entity_id: 'RA-E2E-SHARED', refs: ['crm:opportunity:OPP-E2E-SH2'] },
    ],
  });
  expect(res.status()).toBe(202);
  await expect.poll(async () => (await request.get('/api/resolve?id=RA-E2E-SHARED')).status()).toBe(409);
  const refused = refusedRequests(page);
  await page.goto(JourneyPage.url('RA-E2E-SHARED'));
  const candidates = page.getByTestId('journey-candidates');
  await expect(page.getByTestId('journey-error')).toContainText('“RA-E2E-SHARED” names a record of 2 deals. Which one?');
  await expect(candidates.getByRole('listitem')).toHaveText([/crm:opportunity:OPP-E2E-SH1\s+holds psa:assignment:RA-E2E-SHARED/, /crm:opportunity:OPP-E2E-SH2\s+holds erp:assignment:RA-E2E-SHARED/]);
  expect(refused).toEqual([]);
  await candidates.getByRole('link', { name: 'crm:opportunity:OPP-E2E-SH2' }).click();
  await expect(page).toHaveURL(new RegExp(`/deals/${encodeURIComponent('crm:opportunity:OPP-E2E-SH2')}$`));
  await expect(page.getByTestId('journey')).toContainText('Shared OPP-E2E-SH2');
});

test('an address no page or endpoint serves says so: a page with the way back, JSON for the API (405 with Allow for a method not served)', async ({ page }) => {
  const res = await page.goto('/integrations/traces');
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toContainText('Page not found');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/not-found.png` });
  await page.getByTestId('not-found').getByRole('link', { name: 'Deals' }).click();
  await expect(page).toHaveURL(/\/deals$/);
  const api = await page.request.get('/api/deal/OPP-A');
  expect(api.status()).toBe(404);
  expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
  const wrong = await page.request.delete('/api/deals');
  expect(wrong.status()).toBe(405);
  expect(wrong.headers()['allow']).toBe('GET, HEAD, OPTIONS');
  expect(await wrong.json()).toMatchObject({ error: { code: 'method_not_allowed', message: 'DELETE is not served at /api/deals; it serves GET, HEAD, OPTIONS' } });
});

test("variants show the common paths and conformance; the paths off the expected path, and a path's deals", async ({ page, request }) => {
  test.setTimeout(120_000);
  // a deal that names no billing model (its own, so the check does not depend on other specs' data)
  const won = { event_id: 'e2e-variants-nomodel', source: 'crm', type: 'opportunity.won', occurred_at: new Date(Date.now() - 3_600_000).toISOString(), entity_type: 'opportunity', entity_id: 'OPP-E2E-NOMODEL', amount: 1000, currency: 'EUR', attributes: { customer: 'Modelless Ltd' } };
  await ingestAccepted(request, [won]);
  await expect
    .poll(async () => ((await (await request.get('/api/variants')).json()) as { models: { billing_model: string }[] }).models.map((m) => m.billing_model), {
      message: 'the deal without a billing model among the variants',
      timeout: 60_000,
    })
    .toContain('');
  await gotoOnScreen(page, '/variants', page.getByTestId('variant-row'), 'variants data on screen after navigation');
  await expect(page.getByTestId('conformance')).toContainText('%');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/variants.png`, fullPage: true });
  // each billing model by its label; the deals without one as '(none)', as the overview and the filter call them
  const models = await page.getByTestId('model-conformance').locator('tbody tr td:first-child').allTextContents();
  expect(models).toContain(NO_VALUE);
  for (const m of models) expect([...Object.values(BILLING_MODEL_LABEL), NO_VALUE]).toContain(m);
  // 30 paths at first, then 30 more (the seeded firm has more than 30)
  const matching = Number((await page.getByTestId('variants-count').textContent())!.match(/of ([\d,]+) paths/)![1].replace(/,/g, ''));
  await expect(page.getByTestId('variant-row')).toHaveCount(VARIANTS_SHOWN);
  await page.getByTestId('variants-more').click();
  await expect(page.getByTestId('variant-row')).toHaveCount(Math.min(2 * VARIANTS_SHOWN, matching));

  // Only the paths that leave their billing model's expected path (the fixture's retainer
  // signs its contract before the quote is approved).
  await page.getByTestId('conforming-filter').selectOption('no');
  await expect(page).toHaveURL(/conforming=no/);
  await expect(page.getByTestId('variants-count')).toContainText('off the expected path');
  const rows = page.getByTestId('variant-row');
  await expect(rows.first()).toHaveAttribute('data-conforming', 'no');
  await expect(page.locator('[data-testid="variant-row"][data-conforming="yes"]')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/variants-off-path.png`, fullPage: true });

  // A path's deal count opens exactly its deals.
  const link = rows.first().getByTestId('variant-deals');
  const n = Number((await link.textContent())!.replace(/,/g, ''));
  expect(n).toBeGreaterThan(0);
  await link.click();
  await expect(page).toHaveURL(/\/deals\?.*path=/);
  await expect(page.getByTestId('path-filter')).toContainText('Deals whose path is exactly');
  await expect(page.getByTestId('url-filters')).toContainText('billing model:');
  const deals = new DealsPage(page);
  await expect(deals.rows).toHaveCount(Math.min(n, DEALS_PAGE_SIZE));
  await page.screenshot({ path: `${SCREENSHOT_DIR}/variant-deals.png`, fullPage: true });
  await page.getByTestId('path-filter-remove').click();
  await expect(page.getByTestId('path-filter')).toHaveCount(0);
  await expect(page).not.toHaveURL(/path=/);
});
