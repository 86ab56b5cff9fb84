// Open SLA breaches worked on /sla, signed in as demo users: a stuck rule's policy's breach
// is its queue's stuck item (assigned there as on /stuck); a policy of one's own is its
// owner's to work (the PMO's for a staffing clock), with the nav's count and "Assigned to me",
// and on its deal's page.
// Named to run first (files run in name order): the demo users sign in only until
// admin-access.spec creates a user of its own.

import { expect, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN, E2E_BASE_URL, SCREENSHOT_DIR } from './env';
import { QueueTable, SlaBreaches } from './pages/views-page';
import { signIn } from './pages/sign-in';

// Sign in with a session: drop the admin Bearer header the project sets for every request.
test.use({ extraHTTPHeaders: {} });

test("finance works an open SLA breach from /sla: it is the queue's stuck item, assigned there as on /stuck", async ({ page }) => {
  await signIn(page, 'finance');
  await page.goto('/sla');
  const b = new SlaBreaches(page);
  await b.count('milestone-not-invoiced', 'open').click();
  await expect(b.policy).toHaveValue('milestone-not-invoiced');
  // the policy's list, not the one shown until it arrives (CI at 1d29af2 picked a row of every
  // policy's list, a sync failure's, which was gone a moment later)
  await expect(b.rows.first()).toHaveAttribute('data-key', /^milestone-not-invoiced\|/);
  await expect(b.rows.first()).toHaveAttribute('data-kind', 'open');
  // a breach nobody holds yet
  const row = b.rows.filter({ has: page.getByTestId('sla-breach-state').getByText('open', { exact: true }) }).first();
  await expect(row).toHaveAttribute('data-key', /^milestone-not-invoiced\|/);
  const dataKey = (await row.getAttribute('data-key'))!;
  const key = dataKey.split('|')[1];
  const mine = page.locator(`[data-testid="sla-breach-row"][data-key="${dataKey}"]`);
  // the queue's controls, for a role that may use them
  await expect(mine.locator('[data-testid="action-button"][data-kind="resync"]')).toHaveText('Re-sync to ERP');
  await mine.getByTestId('assign-select').selectOption({ label: 'Me (Demo finance)' });
  await expect(mine.getByTestId('sla-breach-state')).toHaveText('assigned · finance');
  await expect(page.getByTestId('nav-my-work')).toHaveText('1');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/sla-breach-worked.png`, fullPage: true });
  // the export says so
  const csv = (await (await page.request.get((await b.csv.getAttribute('href'))!)).text()).trim().split('\r\n');
  expect(csv[0]).toMatch(/,late_hours,owner,state,assignee,value,/);
  expect(csv.filter((l) => l.includes(`,${key},`))).toEqual([expect.stringMatching(/,finance,assigned,finance,/)]);
  // and the queue has it as the same item
  await page.goto(`/stuck?rule=milestone-not-invoiced`);
  const queue = new QueueTable(page, 'stuck-queue');
  await queue.ready();
  await queue.search.fill(key);
  await expect(queue.rows).toHaveCount(1);
  await expect(queue.rows.first().locator('td').nth(6)).toHaveText('assigned · finance');
  // a late arrival needs no work: no controls
  await page.goto('/sla');
  await b.kind.selectOption('late');
  await expect(b.rows.first()).toHaveAttribute('data-kind', 'late');
  await expect(b.rows.first().getByTestId('sla-breach-no-work')).toHaveText('—');
  await expect(b.rows.first().getByTestId('stuck-actions')).toHaveCount(0);
  // unassigned from the breach row, it is nobody's again
  await b.kind.selectOption('open');
  await b.policy.selectOption('milestone-not-invoiced');
  await mine.getByTestId('assign-select').selectOption({ label: 'Nobody (unassign)' });
  await expect(mine.getByTestId('sla-breach-state')).toHaveText('acknowledged');
  await expect(page.getByTestId('nav-my-work')).toHaveCount(0);
});

test("a policy of one's own: its open breaches are its owner's (the PMO's, for a clock that waits for staffing) to work on /sla", async ({ page, browser, request }) => {
  const input = { name: 'E2E staffed within a week', start_events: ['project.provisioned'], end_events: ['resource.assigned'], match: 'record', anchor: 'occurred_at', threshold_hours: 40, unit: 'business', severity: 'medium' };
  const created = await request.post('/api/sla/policies', { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, data: input });
  expect(created.status()).toBe(201);
  const policy = (await created.json()) as { id: string; owner: string };
  expect(policy.owner).toBe('pmo');

  await signIn(page, 'pmo');
  await page.goto('/sla');
  await expect(page.getByTestId(`policy-owner-${policy.id}`)).toHaveText('worked by PMO');
  const b = new SlaBreaches(page);
  await b.count(policy.id, 'open').click();
  await expect(b.policy).toHaveValue(policy.id);
  await expect(b.rows.first()).toHaveAttribute('data-key', new RegExp(`^${policy.id}\\|`));
  const row = b.rows.filter({ has: page.getByTestId('sla-breach-state').getByText('open', { exact: true }) }).first();
  const key = (await row.getAttribute('data-key'))!;
  const mine = b.rows.and(page.locator(`[data-key="${key}"]`));
  // its record can be re-synced from the PSA, the system the clock waits for
  await expect(mine.locator('[data-testid="action-button"][data-kind="resync"]')).toHaveText('Re-sync to PSA');
  await mine.locator('[data-testid="action-button"][data-kind="acknowledge"]').click();
  await expect(mine.getByTestId('sla-breach-state')).toHaveText('acknowledged');
  // the assign menu offers the PMO's people, not finance's
  const offered = await mine.getByTestId('assign-select').locator('option').allTextContents();
  expect(offered).toContain('Me (Demo pmo)');
  expect(offered.some((o) => o.includes('(finance)'))).toBe(false);
  await expect(page.getByTestId('nav-my-breaches')).toHaveCount(0);
  await mine.getByTestId('assign-select').selectOption({ label: 'Me (Demo pmo)' });
  await expect(mine.getByTestId('sla-breach-state')).toHaveText('assigned · pmo');
  // given to me: the nav's SLA entry counts it, and "Assigned to me" lists it alone
  await expect(page.getByTestId('nav-my-breaches')).toHaveText('1');
  await page.getByTestId('sla-breach-assignee').selectOption({ label: 'Assigned to me' });
  await expect(b.rows).toHaveCount(1);
  await expect(b.rows.first()).toHaveAttribute('data-key', key);
  await expect(b.title).toHaveAttribute('data-total', '1');
  await page.screenshot({ path: `${SCREENSHOT_DIR}/sla-own-policy-worked.png`, fullPage: true });
  // /stuck's "Assigned to me" card names it beside the queues' items (it is on no queue)
  await page.goto('/stuck');
  await expect(page.getByTestId('queue-mine-breaches')).toHaveText('and 1 open breach of SLA policies of one’s own to work on SLA');
  await page.getByTestId('queue-cards').screenshot({ path: `${SCREENSHOT_DIR}/stuck-mine-own-breach.png` });
  await page.goto(`/sla?policy=${policy.id}&assignee=pmo`);
  await expect(b.rows).toHaveCount(1);
  // the deal's page lists it among the deal's open records, as the policy's (not a queue's), worked there as here
  const record = key.split('|')[1];
  await mine.getByRole('link', { name: record }).click();
  const more = page.getByTestId('open-items-more');
  await expect(page.getByTestId('open-items')).toBeVisible();
  if (await more.isVisible()) await more.click();
  const item = page.locator(`[data-testid="open-item"][data-id="${policy.id}:${record}"]`);
  await expect(item.getByTestId('open-item-where')).toHaveText(`SLA: ${input.name}`);
  await expect(item.getByTestId('open-item-where')).toHaveAttribute('href', `/sla?policy=${policy.id}`);
  await expect(item.getByTestId('open-item-state')).toHaveText('assigned · pmo');
  await expect(item.locator('[data-testid="action-button"][data-kind="resync"]')).toHaveText('Re-sync to PSA');
  await item.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/deal-own-policy-item.png` });

  // finance sees the same breach without controls: it is not theirs
  const other = await browser.newContext({ baseURL: E2E_BASE_URL });
  try {
    const fin = await other.newPage();
    await signIn(fin, 'finance');
    await fin.goto('/sla');
    const fb = new SlaBreaches(fin);
    await fb.count(policy.id, 'open').click();
    await expect(fb.rows.first()).toHaveAttribute('data-key', new RegExp(`^${policy.id}\\|`));
    const same = fb.rows.and(fin.locator(`[data-key="${key}"]`));
    await expect(same.getByTestId('sla-breach-state')).toHaveText('assigned · pmo');
    // the controls render with the user (the same render as the nav's role badge)
    await expect(fin.getByTestId('user-role')).toHaveText('finance');
    await expect(same.getByTestId('stuck-actions')).toBeAttached();
    await expect(same.getByTestId('action-button')).toHaveCount(0);
    await expect(same.getByTestId('assign-select')).toHaveCount(0);
    await expect(fin.getByTestId('nav-my-breaches')).toHaveCount(0);
  } finally {
    await other.close();
    // the later specs' breach figures as they were: a disabled policy counts no breaches
    const off = await request.put('/api/sla/policies', { headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, data: { ...input, id: policy.id, enabled: false } });
    expect(off.status()).toBe(200);
  }
});
