// Page objects of the integrations view and the trace waterfall, by data-testid.

import { expect, type Locator, type Page } from '@playwright/test';

export class IntegrationsPage {
  readonly flowRows: Locator;
  readonly failures: Locator;
  readonly failureRows: Locator;
  readonly openOnly: Locator;
  readonly deadLetterRows: Locator;
  readonly payloadViewer: Locator;
  readonly payloadRaw: Locator;
  readonly ingestHealth: Locator;

  constructor(readonly page: Page) {
    this.flowRows = page.getByTestId('flow-row');
    this.failures = page.getByTestId('flow-failures');
    this.failureRows = page.getByTestId('failure-row');
    this.openOnly = page.getByTestId('failures-open-only');
    this.deadLetterRows = page.getByTestId('dead-letter-row');
    this.payloadViewer = page.getByTestId('payload-viewer');
    this.payloadRaw = page.getByTestId('payload-raw');
    this.ingestHealth = page.getByTestId('ingest-health');
  }

  async goto(): Promise<void> {
    await this.page.goto('/integrations');
    await expect(this.flowRows.first()).toBeVisible();
  }

  flow(source: string, target: string): Locator {
    return this.page.locator(`[data-testid=flow-row][data-flow="${source}:${target}"]`);
  }

  failureFor(record: string): Locator {
    return this.failureRows.filter({ hasText: record });
  }

  deadLetter(text: string): Locator {
    return this.deadLetterRows.filter({ hasText: text });
  }
}

export class TracePage {
  readonly spanRows: Locator;
  readonly summary: Locator;
  readonly dealLink: Locator;
  readonly spanDetails: Locator;
  readonly events: Locator;

  constructor(readonly page: Page) {
    this.spanRows = page.getByTestId('span-row');
    this.summary = page.getByTestId('trace-summary');
    this.dealLink = page.getByTestId('trace-deal-link');
    this.spanDetails = page.getByTestId('span-details');
    this.events = page.getByTestId('trace-events');
  }

  span(name: string): Locator {
    return this.spanRows.filter({ hasText: name });
  }
}
