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

  /** The breakdown chart's category labels (one per bar group, top to bottom). */
  breakdownLabels(): Locator {
    return this.breakdown.locator('.breakdown-category');
  }

  /** The breakdown table's first column (the dimension's values, as the table names them). */
  breakdownTableValues(): Locator {
    return this.page.getByTestId('breakdown-table').locator('tbody tr td:first-child');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.tiles).toBeVisible();
  }
}

/** /sla's breach records: the policy and kind selectors, the rows, the pager and the CSV link. */
export class SlaBreaches {
  readonly title: Locator;
  readonly rows: Locator;
  readonly policy: Locator;
  readonly kind: Locator;
  readonly pager: Locator;
  readonly next: Locator;
  readonly csv: Locator;

  constructor(readonly page: Page) {
    this.title = page.getByTestId('sla-breaches-title');
    this.rows = page.getByTestId('sla-breach-row');
    this.policy = page.getByTestId('sla-breach-policy');
    this.kind = page.getByTestId('sla-breach-kind');
    this.pager = page.getByTestId('sla-breaches-pager');
    this.next = page.getByTestId('sla-breaches-pager-next');
    this.csv = page.getByTestId('sla-breaches-csv');
  }

  /** A policy's open (or late) count in the policies table: a button that shows those breaches. */
  count(policyId: string, kind: 'open'): Locator {
    return this.page.getByTestId(`policy-${kind}-${policyId}`);
  }

  async total(): Promise<number> {
    await expect(this.title).toHaveAttribute('data-total', /\d+/);
    return Number(await this.title.getAttribute('data-total'));
  }

  async keys(): Promise<string[]> {
    return this.rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-key') ?? ''));
  }
}
