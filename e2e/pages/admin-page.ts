// Page object of the admin page's signing-secrets panel, by data-testid.

import { expect, type Locator, type Page } from '@playwright/test';

export class SigningSecretsPanel {
  readonly panel: Locator;
  readonly shown: Locator;
  readonly shownValue: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('signing-secrets-panel');
    this.shown = page.getByTestId('signing-secret-shown');
    this.shownValue = page.getByTestId('signing-secret-shown-value');
  }

  async goto(): Promise<void> {
    await this.page.goto('/admin');
    await expect(this.panel.getByTestId('signing-secrets-stripe')).toBeVisible();
  }

  source(name: string): Locator {
    return this.panel.getByTestId(`signing-secrets-${name}`);
  }

  /** Creates one (generated when `secret` is empty) and returns the value shown once. */
  async create(source: string, name: string, secret = ''): Promise<string> {
    await this.panel.getByTestId('signing-secret-source').selectOption(source);
    await this.panel.getByTestId('signing-secret-name').fill(name);
    await this.panel.getByTestId('signing-secret-value').first().fill(secret);
    await this.panel.getByTestId('signing-secret-create').click();
    return this.takeShown();
  }

  /** The row of a secret, found by its prefix (what the list shows of it). */
  row(source: string, value: string): Locator {
    const prefix = value.slice(0, (value.startsWith('whsec_') ? 6 : 0) + 4);
    return this.source(source).locator('tr', { hasText: `${prefix}…` });
  }

  async rotate(source: string, value: string): Promise<string> {
    await this.row(source, value).getByRole('button', { name: 'Rotate' }).click();
    await this.panel.getByTestId('signing-secret-rotate').click();
    return this.takeShown();
  }

  async revoke(source: string, value: string): Promise<void> {
    await this.row(source, value).getByRole('button', { name: 'Revoke' }).click();
    await expect(this.row(source, value)).toContainText('revoked');
  }

  private async takeShown(): Promise<string> {
    await expect(this.shown).toBeVisible();
    const v = (await this.shownValue.textContent())!.trim();
    await this.shown.getByRole('button', { name: /^Done/ }).click();
    await expect(this.shown).toBeHidden();
    return v;
  }
}

/** The admin page's audit trail viewer, by data-testid. */
export class AuditPanel {
  readonly panel: Locator;
  readonly rows: Locator;
  readonly pager: Locator;
  readonly next: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('audit-panel');
    this.rows = this.panel.getByTestId('audit-table').locator('tbody tr');
    this.pager = page.getByTestId('audit-pager');
    this.next = page.getByTestId('audit-pager-next');
  }

  async filter(field: 'actor' | 'action' | 'outcome' | 'target', value: string): Promise<void> {
    await this.panel.getByTestId(`audit-filter-${field}`).fill(value);
  }

  async pageSize(entries: 25 | 50 | 100 | 200): Promise<void> {
    await this.panel.getByTestId('audit-page-size').selectOption(String(entries));
  }

  /** The shown entries whose outcome badge says exactly `outcome` (not any row whose text holds it: a name may). */
  withOutcome(outcome: string): Locator {
    return this.rows.filter({ has: this.page.locator('td .badge').getByText(outcome, { exact: true }) });
  }

  /** Each shown entry's id and time, in the table's order. */
  async entries(): Promise<{ id: string; at: string }[]> {
    return this.rows.evaluateAll((rs) => rs.map((r) => ({ id: r.getAttribute('data-id') ?? '', at: r.getAttribute('data-at') ?? '' })));
  }
}

/** The admin page's users panel: create a user (password shown once), by data-testid. */
export class UsersPanel {
  readonly panel: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('users-panel');
    this.error = this.panel.locator('p.error');
  }

  row(username: string): Locator {
    return this.page.getByTestId(`user-row-${username}`);
  }

  async submit(username: string, role: string): Promise<void> {
    await this.panel.getByTestId('new-user-username').fill(username);
    await this.panel.getByTestId('new-user-role').selectOption(role);
    await this.panel.getByTestId('new-user-submit').click();
  }

  /** Creates a user and returns the password shown once (then dismissed: it is not shown again). */
  async create(username: string, role: string): Promise<string> {
    await this.submit(username, role);
    const shown = this.panel.getByTestId('user-secret');
    await expect(shown).toContainText(`Password for ${username} (shown once): `);
    const password = (await this.panel.getByTestId('user-secret-value').textContent())!.trim();
    await shown.getByRole('button', { name: /^Done/ }).click();
    await expect(shown).toBeHidden();
    return password;
  }
}

/** The admin page's API tokens panel, by data-testid. */
export class TokensPanel {
  readonly panel: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('tokens-panel');
  }

  row(name: string): Locator {
    return this.panel.locator('tr', { hasText: name });
  }

  /** Creates a token owned by `owner` (as the owner list shows them: "name (role)") and returns its value, shown once. */
  async create(name: string, owner: string): Promise<string> {
    await this.panel.getByTestId('new-token-name').fill(name);
    await this.panel.getByLabel('owner').selectOption({ label: owner });
    await this.panel.getByTestId('new-token-submit').click();
    const value = (await this.panel.getByTestId('token-secret-value').textContent())!.trim();
    await this.panel.getByRole('button', { name: /^Done/ }).click();
    await expect(this.panel.getByTestId('token-secret')).toBeHidden();
    return value;
  }
}

/** The admin page's alert rules panel: its form by label, its rules by name. */
export class AlertRulesPanel {
  readonly panel: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.panel = page.getByTestId('alert-rules-panel');
    this.error = this.panel.locator('p.error');
  }

  row(name: string): Locator {
    return this.panel.locator('tr', { hasText: name });
  }

  async fill(r: { name: string; threshold: string; url: string; reminderMinutes: string; kind?: string; rule?: string }): Promise<void> {
    await this.panel.getByLabel('name', { exact: true }).fill(r.name);
    if (r.kind) await this.panel.getByLabel(/^kind/).selectOption(r.kind);
    // what it names (a stuck rule, SLA policy, KPI or username) is in its label, per kind
    if (r.rule !== undefined) await this.panel.getByTestId('alert-rule-target').fill(r.rule);
    await this.panel.getByLabel(/^threshold/).fill(r.threshold);
    await this.panel.getByLabel('webhook URL').fill(r.url);
    await this.panel.getByLabel(/^remind every/).fill(r.reminderMinutes);
  }

  async add(): Promise<void> {
    await this.panel.getByRole('button', { name: 'Add rule' }).click();
  }
}
