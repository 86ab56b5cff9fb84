// Admin: people and machines. An admin creates a user (the password shown once signs them
// in; the trail records that and a refused sign-in), gives them an API token (it acts with the user's role, and is refused once revoked),
// and adds an alert rule; what the API refuses is said on the page with what was invalid,
// and nothing is created by it.

import { expect, request as http, test, type APIRequestContext } from '@playwright/test';
import { E2E_BASE_URL, E2E_REPORTING_CURRENCY, SCREENSHOT_DIR } from './env';
import { AlertRulesPanel, AuditPanel, TokensPanel, UsersPanel } from './pages/admin-page';
import { ingestAccepted } from './ingest';

/**
 * How long a rate's save may take to answer: a new rate re-keys every clock, which the writer
 * rebuilds in the same engine while the next requests come; on a loaded 2-core machine (both
 * e2e passes at once, a slow day) one answer took over the 15 s default (CI at ca42272).
 */
const RATE_SAVE_MS = 45_000;

/** A request context of its own: none of the run's admin token, only the headers given. */
function client(headers: Record<string, string> = {}): Promise<APIRequestContext> {
  return http.newContext({ baseURL: E2E_BASE_URL, extraHTTPHeaders: headers });
}

test('an admin creates a user and their API token, which acts with their role until revoked', async ({ page }) => {
  const username = `e2e-exec-${Date.now().toString(36)}`;
  const users = new UsersPanel(page);
  const tokens = new TokensPanel(page);
  await page.goto('/admin');
  const password = await users.create(username, 'executive');
  await expect(users.row(username)).toContainText('executive');
  await expect(page.locator('body')).not.toContainText(password);

  // the same name again is refused on the page, and no second user appears
  await users.submit(username, 'finance');
  await expect(users.error).toHaveText(`a user named ${username} already exists`);
  await expect(users.row(username)).toHaveCount(1);

  const anonymous = await client();
  expect((await anonymous.post('/api/auth/login', { data: { username, password } })).status()).toBe(200);
  expect((await anonymous.post('/api/auth/login', { data: { username, password: `${password}x` } })).status()).toBe(401);
  // both in the audit trail; the refused one has no role to name
  const audit = new AuditPanel(page);
  await audit.filter('actor', username);
  await audit.filter('action', 'auth.login');
  await expect(audit.rows).toHaveCount(2);
  // by the outcome badge: the name itself may hold 'ok' (e2e-exec-mxcqoksp did, and matched both rows)
  await expect(audit.withOutcome('refused')).toContainText(`${username} (session)`);
  await expect(audit.withOutcome('ok')).toContainText(`${username} (executive, session)`);

  const token = await tokens.create(`${username}-bot`, `${username} (executive)`);
  await expect(tokens.row(`${username}-bot`)).toContainText('active');
  const bot = await client({ authorization: `Bearer ${token}` });
  expect((await bot.get('/api/deals?limit=1')).status()).toBe(200);
  // an executive reads; correcting links is not theirs
  const link = await bot.post('/api/links', { data: { action: 'merge', from: 'erp:invoice:INV-A1', to: 'crm:opportunity:OPP-A', reason: 'not allowed for this role' } });
  expect(link.status()).toBe(403);

  await tokens.row(`${username}-bot`).getByRole('button', { name: 'Revoke' }).click();
  await expect(tokens.row(`${username}-bot`)).toContainText('revoked');
  expect((await bot.get('/api/deals?limit=1')).status()).toBe(401);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/admin-users-tokens.png`, fullPage: true });
  await Promise.all([anonymous.dispose(), bot.dispose()]);
});

test('an alert rule the API refuses says what was invalid on the page; corrected, it is added, and deleted', async ({ page }) => {
  const name = `e2e rule ${Date.now().toString(36)}`;
  const rules = new AlertRulesPanel(page);
  await page.goto('/admin');
  // a threshold no queue reaches: the rule never fires during the run
  await rules.fill({ name, threshold: '1000000000000', url: 'http://127.0.0.1:9/e2e-hook', reminderMinutes: '99999' });
  await rules.add();
  await expect(rules.error).toContainText(/^invalid parameters: reminder_minutes: .*10080/);
  await expect(rules.row(name)).toHaveCount(0);

  await rules.fill({ name, threshold: '1000000000000', url: 'http://127.0.0.1:9/e2e-hook', reminderMinutes: '0' });
  await rules.add();
  await expect(rules.row(name)).toContainText('none');
  await expect(rules.error).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/admin-alert-rule.png`, fullPage: true });
  await rules.row(name).getByRole('button', { name: 'Delete' }).click();
  await expect(rules.row(name)).toHaveCount(0);
});

/**
 * An alert rule whose `rule` field names what cannot be is refused with `refusal` and not
 * added; named right (`good`), it is added, shows as `kind (good)`, and is deleted again.
 */
async function refusedThenAdded(rules: AlertRulesPanel, r: { kind: string; threshold: string; bad: string; refusal: string; good: string }) {
  const name = `e2e ${r.kind} ${Date.now().toString(36)}`;
  const fill = (rule: string) => rules.fill({ name, kind: r.kind, rule, threshold: r.threshold, url: 'http://127.0.0.1:9/e2e-hook', reminderMinutes: '0' });
  await fill(r.bad);
  await rules.add();
  await expect(rules.error).toContainText(r.refusal);
  await expect(rules.row(name)).toHaveCount(0);
  await fill(r.good);
  await rules.add();
  await expect(rules.row(name)).toContainText(`${r.kind} (${r.good})`);
  await rules.row(name).getByRole('button', { name: 'Delete' }).click();
  await expect(rules.row(name)).toHaveCount(0);
}

test('a KPI alert rule naming no KPI is refused with the KPIs to choose from; named right, it is added', async ({ page }) => {
  await page.goto('/admin');
  // 1000 × past its target: never fires during the run
  await refusedThenAdded(new AlertRulesPanel(page), { kind: 'kpi_off_target', threshold: '1000', bad: 'dso_days', refusal: 'no KPI "dso_days": one of quote_to_cash,', good: 'dso' });
});

test("an alert rule for someone's assigned work names a username: a typo is refused, a user's name is added", async ({ page }) => {
  const rules = new AlertRulesPanel(page);
  await page.goto('/admin');
  await rules.panel.getByLabel(/^kind/).selectOption('assigned_work');
  // the form says what the threshold and the rule field mean for this kind
  await expect(rules.panel.getByLabel(/^threshold \(hours late, 0: any\)/)).toBeVisible();
  await expect(rules.panel.getByLabel(/^username: one person’s work \(optional\)/)).toHaveAttribute('data-testid', 'alert-rule-target');
  // a year late at least: never fires during the run
  await refusedThenAdded(rules, { kind: 'assigned_work', threshold: '8760', bad: 'Demo Finance!', refusal: '"Demo Finance!" is not a username', good: 'finance' });
});

test('the settings the figures are computed with are on the page: currency and rates, KPI targets, calendars', async ({ page }) => {
  await page.goto('/admin');
  const panel = page.getByTestId('settings-panel');
  await expect(panel.getByTestId('settings-currency').locator('.value')).toHaveText(E2E_REPORTING_CURRENCY);
  // CASHTRACE_KPI_TARGETS=dso=50 (playwright.config.ts) against the built-in 45 d
  await expect(panel.getByLabel('DSO target')).toHaveValue('50');
  await expect(panel.getByTestId('settings-kpi-dso')).toContainText('45 d');
  await expect(panel.getByTestId('settings-kpi-dso')).toContainText('env');
  await expect(panel.getByTestId('settings-calendars')).toContainText('e2e/calendars.json');
  await expect(panel.getByTestId('settings-calendars')).toContainText('Israel · Asia/Jerusalem · IL01');
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/admin-settings.png`, fullPage: true });
});

test('an admin sets a KPI target and an exchange rate on the page: the overview follows at once, a reset returns to the environment’s', async ({ page }) => {
  test.setTimeout(120_000);
  const panel = page.getByTestId('settings-panel');
  const targets = panel.getByTestId('settings-kpi-targets');
  // a currency the firm's deals are in, other than the reporting one
  const other = E2E_REPORTING_CURRENCY === 'EUR' ? 'USD' : 'EUR';
  await page.goto('/');
  const collected = page.getByTestId('tile-collected');
  await expect(collected).toContainText(' of ');
  const booked = await collected.locator('.sub').innerText();

  await page.goto('/admin');
  // not a number: said on the page, nothing sent
  await targets.getByLabel('DSO target').fill('forty');
  await targets.getByRole('button', { name: 'Save targets' }).click();
  await expect(targets.getByRole('status')).toHaveText('DSO: "forty" is not a number');
  // refused by the API: its reason on the page, nothing saved
  await targets.getByLabel('Traceability target').fill('120');
  await targets.getByLabel('DSO target').fill('40');
  await targets.getByRole('button', { name: 'Save targets' }).click();
  await expect(targets.getByRole('alert')).toContainText('kpi_targets.traceability: 1.2: Traceability is a share from 0 to 1');
  await targets.getByLabel('Traceability target').fill('98');
  await targets.getByRole('button', { name: 'Save targets' }).click();
  await expect(targets.getByRole('status')).toHaveText('Saved: DSO 40 d.');
  await expect(targets.getByLabel('DSO target')).toHaveValue('40');
  const rates = panel.getByTestId('settings-currency');
  const rate = Number(await rates.getByLabel(`${other} rate`).inputValue());
  const tripled = Number((rate * 3).toPrecision(6));
  await rates.getByLabel(`${other} rate`).fill(String(tripled));
  await rates.getByRole('button', { name: 'Save rates' }).click();
  await expect(rates.getByRole('status')).toContainText(`Saved ${other} = ${tripled} ${E2E_REPORTING_CURRENCY}`, { timeout: RATE_SAVE_MS });
  await expect(rates.getByTestId(`settings-rate-${other}`)).toContainText(/set by \S+/);
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/admin-settings-set.png`, fullPage: true });

  await page.goto('/');
  await expect(page.getByTestId('kpi-dso')).toContainText('target 40 d');
  await expect(collected.locator('.sub')).not.toHaveText(booked); // more money booked at three times the rate
  // the audit trail has it, before and after
  const trail = (await (await page.request.get('/api/audit?action=settings.update&limit=5')).json()) as { entries: { target: string; details: string }[] };
  expect(trail.entries.map((e) => e.target)).toEqual(expect.arrayContaining(['kpi_target:dso', `fx_rate:${other}`]));

  await page.goto('/admin');
  await targets.getByTestId('settings-kpi-dso').getByRole('button', { name: 'reset' }).click();
  await expect(targets.getByRole('status')).toHaveText('DSO: back to 50 d.');
  await rates.getByTestId(`settings-rate-${other}`).getByRole('button', { name: 'reset' }).click();
  await expect(rates.getByTestId(`settings-rate-${other}`)).not.toContainText('set by');
  await expect(rates.getByLabel(`${other} rate`)).toHaveValue(String(rate));
  await page.goto('/');
  await expect(page.getByTestId('kpi-dso')).toContainText('target 50 d');
  await expect(collected.locator('.sub')).toHaveText(booked);
});

test('a deal in a currency without a rate is named on the overview; an admin adds the rate on the page and the total converts it', async ({ page, request }) => {
  // its own waits add up past the default minute on a saturated machine (CI at e0cd2ed ran out of
  // it loading the overview the last time): the ingest's poll, the save, three page loads
  test.setTimeout(180_000);
  const customer = 'Kiwi Consulting Ltd (e2e)';
  const won = { event_id: 'e2e-nzd-opp', source: 'crm', type: 'opportunity.won', occurred_at: new Date(Date.now() - 2 * 86_400_000).toISOString(), entity_type: 'opportunity', entity_id: 'OPP-E2E-NZD', amount: 20_000, currency: 'NZD', attributes: { customer } };
  const signed = { ...won, event_id: 'e2e-nzd-ctr', source: 'clm', type: 'contract.signed', entity_type: 'contract', entity_id: 'CTR-E2E-NZD', refs: ['crm:opportunity:OPP-E2E-NZD'] };
  await ingestAccepted(request, [won, signed]);
  const overview = `/?customer=${encodeURIComponent(customer)}`;
  // accepted is durable, not yet on the overview: with NATS the writer stores it a moment later, and the overview reads the clocks the writer then refreshes
  const unpriced = async () => ((await (await request.get(`/api/kpis?customer=${encodeURIComponent(customer)}`)).json()) as { unpriced_currencies?: string[] }).unpriced_currencies;
  // (CI-like runs at 70d348e: 45 s was not enough once, right after the previous test's rate
  // change and reset rebuilt every clock twice; /api/freshness says then what the clocks held)
  await expect.poll(unpriced, { timeout: 90_000 }).toEqual(['NZD']).catch(async (err: Error) => {
    const freshness = await (await request.get('/api/freshness')).text().catch((e: Error) => e.message);
    throw new Error(`${err.message}\n/api/freshness then: ${freshness}`);
  });
  await page.goto(overview);
  await expect(page.getByTestId('unpriced-currencies')).toContainText('No exchange rate for NZD: its amounts count 1:1');
  await expect(page.getByTestId('unpriced-currencies')).toContainText('on the admin page (Settings in force)');
  await expect(page.getByTestId('tile-collected').locator('.sub')).toContainText(/20(\.0)?k/);

  // every document this page loads (a reload would throw away what was typed: CI at 6870711
  // found the typed row emptied before Save, cause unknown; this says whether it was a reload)
  let loads = 0;
  page.on('load', () => (loads += 1));
  await page.goto('/admin');
  const rates = page.getByTestId('settings-currency');
  // the currencies in the data: NZD without a rate, a button that fills the new currency's row
  // the first panel read after the page opens (a run at e0cd2ed on a saturated machine saw it still loading at 15 s)
  await expect(rates.getByTestId('settings-currencies-in-data')).toContainText(`${E2E_REPORTING_CURRENCY} `, { timeout: 45_000 });
  await rates.scrollIntoViewIfNeeded();
  await rates.screenshot({ path: `${SCREENSHOT_DIR}/admin-settings-unpriced.png` });
  await rates.getByTestId('settings-currencies-in-data').getByRole('button', { name: 'NZD 2: no rate' }).click();
  await expect(rates.getByLabel('new currency', { exact: true })).toHaveValue('NZD');
  await rates.getByLabel('new currency rate').fill('0.5');
  await expect(rates.getByLabel('new currency rate')).toHaveValue('0.5');
  const typed = { currency: await rates.getByLabel('new currency', { exact: true }).inputValue(), rate: await rates.getByLabel('new currency rate').inputValue() };
  expect(typed, `the typed row before Save (documents loaded: ${loads})`).toEqual({ currency: 'NZD', rate: '0.5' });
  const saving = Date.now();
  await rates.getByRole('button', { name: 'Save rates' }).click({ timeout: 20_000 }).catch(async (err: Error) => {
    const row = { currency: await rates.getByLabel('new currency', { exact: true }).inputValue(), rate: await rates.getByLabel('new currency rate').inputValue() };
    const status = await rates.getByRole('status').textContent({ timeout: 1_000 }).catch(() => null);
    throw new Error(`${err.message}\nthen: row ${JSON.stringify(row)}, status ${JSON.stringify(status)}, documents loaded ${loads}`);
  });
  await expect(rates.getByRole('status')).toContainText(`Saved NZD = 0.5 ${E2E_REPORTING_CURRENCY}`, { timeout: RATE_SAVE_MS });
  console.log(`[timing] a rate's save answered on the page: ${Date.now() - saving} ms`);
  await expect(rates.getByLabel('NZD rate')).toHaveValue('0.5');
  await expect(rates.getByTestId('settings-currencies-in-data')).toContainText('NZD 2');
  await expect(rates.getByTestId('settings-currencies-in-data').getByRole('button')).toHaveCount(0);

  await page.goto(overview);
  await expect(page.getByTestId('tile-collected').locator('.sub')).toContainText(/10(\.0)?k/);
  await expect(page.getByTestId('unpriced-currencies')).toHaveCount(0);
  // the rate stays: the other specs' overview has no unpriced currency
});
