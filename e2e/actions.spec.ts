// Actions through the UI, signed in as demo users (not the bootstrap admin token the other
// specs use): finance re-syncs a stuck item (a missing invoice where there is one) and follows the action
// to verified while its row leaves the queue; an executive sees no action buttons and the
// API refuses the same request.

import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { SCREENSHOT_DIR } from './env';
import { QueueTable } from './pages/views-page';
import { signIn } from './pages/sign-in';

// Sign in with a session: drop the admin Bearer header the project sets for every request.
test.use({ extraHTTPHeaders: {} });

/** Queues whose fix is a re-sync to the ERP, the missing invoice first. */
const ERP_QUEUES = ['milestone-not-invoiced', 'time-not-billed', 'payment-not-applied', 'provisioned-not-billable', 'signed-not-in-erp'];

/** The ERP queues that have items, with their counts. */
async function erpQueues(page: Page): Promise<{ rule: string; total: number }[]> {
  const out: { rule: string; total: number }[] = [];
  for (const rule of ERP_QUEUES) {
    const res = await page.request.get(`/api/stuck?rule=${rule}&limit=5`);
    expect(res.status()).toBe(200);
    const total = (await res.json()).total as number;
    if (total > 0) out.push({ rule, total });
  }
  return out;
}

async function openQueue(page: Page, rule: string): Promise<QueueTable> {
  await page.goto(`/stuck?rule=${rule}`);
  const queue = new QueueTable(page, 'stuck-queue');
  await queue.ready();
  await expect(queue.rows.first()).toBeVisible();
  return queue;
}

test('finance re-syncs a stuck item (the missing invoice first) to the ERP and sees the action verified', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, 'finance');
  const queues = await erpQueues(page);
  expect(queues.length).toBeGreaterThan(0);
  // The demo's connectors refuse about one record in ten (by design): then try the next row.
  let attempts = 0;
  for (const { rule, total } of queues) {
    const queue = await openQueue(page, rule);
    if (attempts === 0) await page.screenshot({ path: `${SCREENSHOT_DIR}/actions-finance-queue.png`, fullPage: true });
    for (let i = 0; i < Math.min(total, 3) && attempts < 4; i++, attempts++) {
      const row = queue.rows.nth(i);
      const key = (await row.getByTestId('stuck-record-link').textContent())!.trim();
      const button = row.locator('[data-testid="action-button"][data-kind="resync"]');
      await expect(button).toHaveText('Re-sync to ERP');
      await button.click();
      const recent = page.getByTestId('recent-action').first();
      await expect(recent).toBeVisible();
      await expect(recent).toHaveAttribute('data-status', /^(verified|failed|timed_out)$/, { timeout: 60_000 });
      let status = await recent.getAttribute('data-status');
      console.log(`[actions] ${rule}: re-sync of ${key}: ${status} (${await recent.getAttribute('title')})`);
      if (status === 'failed') {
        // The failure reason is shown on the row, with a retry to the same target.
        await expect(row.getByTestId('action-detail')).not.toBeEmpty();
        await page.screenshot({ path: `${SCREENSHOT_DIR}/actions-finance-failed.png`, fullPage: true });
        const failedId = await recent.getAttribute('data-action-id');
        await row.locator('[data-testid="action-button"][data-kind="retry"]').click();
        await expect(recent).not.toHaveAttribute('data-action-id', failedId!);
        await expect(recent).toHaveAttribute('data-status', /^(verified|failed|timed_out)$/, { timeout: 60_000 });
        status = await recent.getAttribute('data-status');
        console.log(`[actions] ${rule}: retry of ${key}: ${status}`);
      }
      if (status !== 'verified') continue;
      await page.screenshot({ path: `${SCREENSHOT_DIR}/actions-finance-verified.png`, fullPage: true });
      // The record the connector created closes the gap: the row leaves the queue.
      await expect(queue.root.getByTestId('stuck-record-link').filter({ hasText: key })).toHaveCount(0, { timeout: 30_000 });
      const id = await recent.getAttribute('data-action-id');
      const action = await (await page.request.get(`/api/actions/${id}`)).json();
      expect(action.history.map((h: { status: string }) => h.status)).toEqual(['requested', 'sent', 'acknowledged', 'verified']);
      expect(action.entity_key).toBe(key);
      expect(action.requested_by_name).toBe('finance');
      return;
    }
  }
  throw new Error('no re-sync was verified in four attempts');
});

test('an executive sees no action buttons, and the API refuses the action', async ({ page }) => {
  await signIn(page, 'executive');
  const [first] = await erpQueues(page);
  const queue = await openQueue(page, first.rule);
  await expect(queue.rows.first().getByTestId('stuck-record-link')).toBeVisible();
  await expect(page.getByTestId('action-button')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/actions-executive-queue.png`, fullPage: true });
  const key = (await queue.rows.first().getByTestId('stuck-record-link').textContent())!.trim();
  const csrf = (await page.context().cookies()).find((c) => c.name === 'ct_csrf')!.value;
  const r = await page.request.post('/api/actions', {
    headers: { 'x-csrf-token': csrf, 'idempotency-key': `e2e-exec-${Date.now()}` },
    data: { kind: 'resync', target: 'erp', entity_key: key, reason: 'should be refused' },
  });
  // The same session may read: the refusal is about the action, not the sign-in.
  expect((await page.request.get('/api/auth/me')).status()).toBe(200);
  expect(r.status()).toBe(403);
  expect((await r.json()).error.code).toBe('forbidden');
  // Without the CSRF header the session is not enough either.
  const noCsrf = await page.request.post('/api/actions', { headers: { 'idempotency-key': `e2e-exec-${Date.now()}-b` }, data: { kind: 'acknowledge', exception_id: `${new URL(page.url()).searchParams.get('rule')}:${key}`, reason: 'x' } });
  expect(noCsrf.status()).toBe(403);

  // An area the role may not read, reached by its address: one sentence saying so, no
  // panel failing with the API's refusal; an area it may read opens as usual.
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Integrations' })).toHaveCount(0);
  await page.goto('/integrations');
  await expect(page.getByTestId('area-forbidden')).toHaveText('Integrations is not open to the executive role (it needs integrations:read). An admin can give you a role that has it.');
  await expect(page.getByText('lacks the integrations:read permission')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/area-forbidden.png` });
  await page.goto('/finance');
  await expect(page.getByTestId('area-forbidden')).toContainText('Finance is not open to the executive role');
  await page.goto('/leakage');
  await expect(page.getByTestId('area-forbidden')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Revenue leakage' })).toBeVisible();
});

test("Export CSV downloads the queue's file, and says why when the server refuses it (a session that expired)", async ({ page, context }) => {
  await signIn(page, 'finance');
  // the Finance section (one rule each) with the most items
  const sections = { 'stuck-invoices': 'invoice-not-collected', 'billing-not-set-up': 'provisioned-not-billable', 'unapplied-cash': 'payment-not-applied' };
  const totals = await Promise.all(Object.values(sections).map(async (rule) => Number((await (await page.request.get(`/api/stuck?rule=${rule}&limit=1`)).json()).total)));
  const total = Math.max(...totals);
  expect(total).toBeGreaterThan(0);
  const id = Object.keys(sections)[totals.indexOf(total)];
  await page.goto('/finance');
  const queue = new QueueTable(page, id);
  await queue.ready();
  const [download] = await Promise.all([page.waitForEvent('download'), queue.csv.click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const lines = fs.readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
  expect(lines[0]).toMatch(/^id,rule,owner,state,/);
  expect(lines.length - 1).toBe(total);
  expect(lines.slice(1).every((l) => l.includes(`,${sections[id as keyof typeof sections]},`))).toBe(true);
  await expect(page.getByTestId(`${id}-csv-error`)).toHaveCount(0);

  // the session ends (signed out elsewhere, expired): the export says so instead of failing silently
  await context.clearCookies();
  await queue.csv.click();
  await expect(page.getByTestId(`${id}-csv-error`)).toContainText('Export refused: sign in');
  await expect(queue.csv).toHaveText('Export CSV');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/export-refused.png` });
});

test('finance assigns a stuck invoice to themself, finds it under "assigned to me" and in its CSV, and unassigns it', async ({ page }) => {
  await signIn(page, 'finance');
  await page.goto('/finance');
  const invoices = new QueueTable(page, 'stuck-invoices');
  await invoices.ready();
  const row = invoices.rows.first();
  const key = (await row.getByTestId('stuck-record-link').textContent())!.trim();
  const menu = row.getByTestId('assign-select');
  // whoever may work a finance item: the demo's finance user and admin, not PMO, IT or the executive
  await expect(menu.locator('option').nth(1)).toHaveText('Me (Demo finance)');
  const options = (await menu.locator('option').allTextContents()).join(' | ');
  expect(options).toContain('Demo admin (admin)');
  for (const other of ['Demo pmo', 'Demo it', 'Demo executive', 'Bootstrap admin']) expect(options).not.toContain(other);
  await menu.selectOption({ label: 'Me (Demo finance)' });
  const mine = invoices.rows.filter({ has: page.getByTestId('stuck-record-link').filter({ hasText: key }) });
  await expect(mine.locator('td').nth(6)).toHaveText('assigned · finance');
  // who assigned it, and when, on hover
  await expect(mine.getByTestId('exception-state')).toHaveAttribute('title', /^assigned by finance on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

  await page.getByTestId('stuck-invoices-assignee').selectOption({ label: 'Assigned to me' });
  await expect(invoices.rows).toHaveCount(1);
  await expect(invoices.rows.first().getByTestId('stuck-record-link')).toHaveText(key);
  await expect(invoices.root.getByText('1 item', { exact: true })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/assigned-to-me.png`, fullPage: true });
  const href = (await invoices.csv.getAttribute('href'))!;
  expect(href).toContain('assignee=finance');
  const csv = (await (await page.request.get(href)).text()).trim().split('\r\n');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toMatch(new RegExp(`,assigned,finance,finance,\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z,,${key},`));

  // unassigned, it is nobody's (and was seen): acknowledged, and gone from "assigned to me"
  await invoices.rows.first().getByTestId('assign-select').selectOption({ label: 'Nobody (unassign)' });
  await expect(page.getByTestId('stuck-invoices-empty')).toHaveText('Nothing stuck here assigned to finance.');
  await page.getByTestId('stuck-invoices-assignee').selectOption({ label: 'Assigned to nobody' });
  await invoices.search.fill(key);
  await expect(invoices.rows).toHaveCount(1);
  await expect(invoices.rows.first().locator('td').nth(6)).toHaveText('acknowledged');

  // the rows shown (here one), assigned in bulk after a dry run
  const bulk = invoices.root.getByTestId('bulk-actions');
  await bulk.getByLabel('Bulk action').selectOption('assign');
  await expect(bulk.getByTestId('bulk-dry-run')).toBeDisabled();
  await bulk.getByTestId('bulk-assignee').selectOption({ label: 'to me' });
  await bulk.getByTestId('bulk-dry-run').click();
  await expect(bulk.getByTestId('bulk-preview')).toHaveText('1 would run · 0 not allowed · 0 already requested');
  await bulk.getByTestId('bulk-confirm').click();
  await expect(bulk.getByTestId('bulk-done')).toHaveText('1 action(s) started');
  await page.getByTestId('stuck-invoices-assignee').selectOption({ label: 'Assigned to me' });
  await expect(invoices.rows.first().locator('td').nth(6)).toHaveText('assigned · finance');
  // the nav says, on every page, how many items given to them need work
  await expect(page.getByTestId('nav-my-work')).toHaveText('1');

  // snoozed, it leaves "needs work" (until the snooze runs out) and is under "snoozed"
  const state = page.getByTestId('stuck-invoices-state');
  await state.selectOption({ label: 'Needs work' });
  await expect(invoices.rows).toHaveCount(1);
  await invoices.rows.first().getByTestId('snooze-select').selectOption({ label: '3 days' });
  await expect(page.getByTestId('stuck-invoices-empty')).toHaveText(`Nothing stuck here matching “${key}” assigned to finance (needing work).`);
  await state.selectOption({ label: 'Snoozed' });
  const threeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await expect(invoices.rows.first().locator('td').nth(6)).toHaveText(`snoozed until ${threeDays} · finance`);
  await expect(page.getByTestId('nav-my-work')).toHaveCount(0);
  await state.selectOption({ label: 'Any state' });

  // their own queue on /stuck: what is assigned to them in every queue, each row naming its queue
  await page.goto('/stuck');
  // the invoice queue's card: what is stuck, and of it what needs work (the snoozed row does not)
  const invoiceCard = page.getByTestId('queue-invoice-not-collected');
  await expect(invoiceCard.getByTestId('queue-needs-work')).toHaveText(/^[\d,]+ need work · [\d,]+ snoozed or resolved$/);
  const [needsWork, setAside] = ((await invoiceCard.getByTestId('queue-needs-work').textContent())!.match(/[\d,]+/g) ?? []).map((n) => Number(n.replace(/,/g, '')));
  const stuckCount = Number((await invoiceCard.locator('.value').textContent())!.split('·')[0].replace(/[^\d]/g, ''));
  expect(setAside).toBeGreaterThanOrEqual(1);
  expect(needsWork + setAside).toBe(stuckCount);
  const mineCard = page.getByTestId('queue-mine');
  await expect(mineCard).toContainText('Assigned to me1');
  await expect(mineCard.getByTestId('queue-needs-work')).toHaveText('0 need work · 1 snoozed or resolved');
  await mineCard.click();
  await expect(page).toHaveURL(/assignee=finance/);
  await expect(mineCard).toHaveAttribute('aria-current', 'true');
  const queue = new QueueTable(page, 'stuck-queue');
  await expect(queue.rows).toHaveCount(1);
  await expect(queue.rows.first().getByTestId('stuck-row-queue')).toHaveText('invoice-not-collected');
  await expect(queue.rows.first().getByTestId('stuck-record-link')).toHaveText(key);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/stuck-mine.png`, fullPage: true });

  // who holds the stuck work: finance one item, nobody the rest; nobody's items of every queue a click away
  const workload = page.getByTestId('workload');
  await expect(workload.locator('[data-assignee="finance"] td').nth(1)).toHaveText('1');
  await workload.locator('[data-assignee="-"]').getByTestId('workload-holder').click();
  await expect(page).toHaveURL(/assignee=-/);
  await expect(page.getByRole('heading', { name: /^Assigned to nobody/ })).toBeVisible();
  await expect(queue.rows.first()).toBeVisible();
  await expect(queue.root.getByTestId('stuck-record-link').filter({ hasText: key })).toHaveCount(0);
});

test("finance works a stuck item from its deal's journey: assigns it to themself and snoozes it there, as on the queue", async ({ page }) => {
  await signIn(page, 'finance');
  // an item nobody has touched: actions-sla.spec leaves one of this queue's items acknowledged (seen, then
  // unassigned), which can be the first of "active and nobody's" (it was, in CI)
  const res = await page.request.get('/api/stuck?rule=milestone-not-invoiced&state=active&assignee=-&limit=50');
  expect(res.status()).toBe(200);
  const items = (await res.json()).items as { id: string; correlation_id: string; entity_key: string; state: string }[];
  const item = items.find((i) => i.state === 'open');
  if (!item) throw new Error(`no open item among the ${items.length} active unassigned ones`);
  await page.goto(`/deals/${encodeURIComponent(item.correlation_id)}`);
  const open = page.getByTestId('open-items');
  await expect(open).toBeVisible();
  const more = open.getByTestId('open-items-more');
  if (await more.count()) await more.click();
  const row = open.locator(`[data-testid="open-item"][data-id="${item.id}"]`);
  await expect(row.getByTestId('open-item-state')).toHaveText('open');
  // the same controls as on the queue, for a role that may use them
  await expect(row.locator('[data-testid="action-button"][data-kind="resync"]')).toHaveText('Re-sync to ERP');
  await row.getByTestId('assign-select').selectOption({ label: 'Me (Demo finance)' });
  await expect(row.getByTestId('open-item-state')).toHaveText('assigned · finance');
  await expect(page.getByTestId('nav-my-work')).toHaveText('1');
  // snoozed until a day picked: the date must be ahead (and within a year), then it holds until that day
  await row.getByTestId('snooze-select').selectOption({ label: 'Until a day…' });
  const picker = row.getByTestId('snooze-select-date');
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await picker.locator('input[type="date"]').fill(day(0));
  await expect(picker.getByRole('button', { name: 'OK' })).toBeDisabled();
  await picker.locator('input[type="date"]').fill(day(10));
  await picker.getByRole('button', { name: 'OK' }).click();
  await expect(row.getByTestId('open-item-state')).toHaveText(`snoozed until ${day(10)} · finance`);
  await expect(page.getByTestId('nav-my-work')).toHaveCount(0);
  await expect(row.getByTestId('exception-state')).toHaveAttribute('title', /^snoozed by finance on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  await page.screenshot({ path: `${SCREENSHOT_DIR}/journey-open-item-worked.png`, fullPage: true });
  // records not yet late are on no queue: nothing to act on there
  for (const notDue of await open.locator('[data-testid="open-item"]').all()) {
    if ((await notDue.getByTestId('open-item-timing').textContent())!.startsWith('due in')) await expect(notDue.getByTestId('stuck-actions')).toHaveCount(0);
  }
  // the queue sees the same: the item is finance's, snoozed, out of "needs work"
  const snoozed = await (await page.request.get(`/api/stuck?rule=milestone-not-invoiced&assignee=finance&state=snoozed&q=${encodeURIComponent(item.entity_key)}`)).json();
  expect(snoozed.items.map((i: { id: string }) => i.id)).toEqual([item.id]);
  const active = await (await page.request.get(`/api/stuck?rule=milestone-not-invoiced&state=active&q=${encodeURIComponent(item.entity_key)}`)).json();
  expect(active.items).toEqual([]);
});

test('the nav counts the unstaffed projects assigned to a PMO user beside their stuck items', async ({ page }) => {
  await signIn(page, 'pmo');
  await page.goto('/pmo');
  const rows = page.getByTestId('unstaffed-row');
  await expect(rows.first()).toBeVisible();
  await expect(page.getByTestId('nav-my-work')).toHaveCount(0);
  // not the first row: pmo.spec works that one from a fresh state
  const row = rows.last();
  await row.getByTestId('assign-select').selectOption({ label: 'Me (Demo pmo)' });
  await expect(row.getByTestId('unstaffed-state')).toHaveText('assigned · pmo');
  await expect(page.getByTestId('nav-my-work')).toHaveText('1');
  await expect(page.getByTestId('nav-my-work')).toHaveAttribute('title', /^1 item\(s\) assigned to you need work: 0 stuck \(.+\), 1 unstaffed project\(s\) on \/pmo$/);
  // and on every page
  await page.goto('/deals');
  await expect(page.getByTestId('nav-my-work')).toHaveText('1');
});
