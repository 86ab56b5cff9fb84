// Page object of /deals, by data-testid.

import { expect, type Locator, type Page } from '@playwright/test';

export class DealsPage {
  readonly search: Locator;
  readonly stageFilter: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly empty: Locator;
  readonly nextPage: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByTestId('deal-search');
    this.stageFilter = page.getByTestId('stage-filter');
    this.table = page.getByTestId('deals-table');
    this.rows = page.getByTestId('deal-row');
    this.empty = page.getByTestId('deals-empty');
    this.nextPage = page.getByTestId('next-page');
  }

  async goto(query = ''): Promise<void> {
    await this.page.goto(`/deals${query}`);
    await expect(this.table.or(this.empty)).toBeVisible();
  }

  row(correlationId: string): Locator {
    return this.page.locator(`[data-testid="deal-row"][data-correlation-id="${correlationId}"]`);
  }

  /** Types a key and waits until the table shows exactly the matching deals. */
  async searchFor(text: string): Promise<void> {
    await this.search.fill(text);
    await expect(this.page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(text)}`));
  }

  async openDeal(correlationId: string): Promise<void> {
    await this.row(correlationId).getByTestId('deal-link').click();
  }
}
