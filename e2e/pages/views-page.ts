// Page objects of the operational views (overview, leakage, finance, PMO), by data-testid.

import { expect, type Locator, type Page } from '@playwright/test';

/** A stuck-work queue table (app/_components/stuck-table.tsx) with its test id prefix. */
export class QueueTable {
  readonly root: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly search: Locator;
  readonly csv: Locator;

  constructor(readonly page: Page, readonly id: string) {
    this.root = page.getByTestId(id);
    this.table = page.getByTestId(`${id}-table`);
    this.rows = this.root.getByTestId('stuck-row');
    this.search = page.getByTestId(`${id}-search`);
    this.csv = page.getByTestId(`${id}-csv`);
  }

  sortBy(column: 'value' | 'late' | 'since' | 'customer'): Locator {
    return this.page.getByTestId(`${this.id}-sort-${column}`);
  }

  async values(): Promise<number[]> {
    return (await this.rows.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-value')))));
  }

  async ready(): Promise<void> {
    await expect(this.table.or(this.page.getByTestId(`${this.id}-empty`))).toBeVisible();
  }
}

export class OverviewPage {
  readonly tiles: Locator;
  readonly leakageTile: Locator;
  readonly waterfall: Locator;
  readonly breakdown: Locator;

  constructor(readonly page: Page) {
    this.tiles = page.getByTestId('kpi-tiles');
    this.leakageTile = page.getByTestId('tile-leakage');
    this.waterfall = page.getByTestId('waterfall-chart');
    this.breakdown = page.getByTestId('breakdown-chart');
  }

  /** The breakdown chart's legend, item by item as shown. */
  breakdownLegend(): Locator {
    return this.breakdown.locator('.recharts-legend-item-text');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.tiles).toBeVisible();
  }
}
