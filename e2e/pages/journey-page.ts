// Page object of /deals/{correlationId}, by data-testid.

import type { Locator, Page } from '@playwright/test';

export class JourneyPage {
  readonly root: Locator;
  readonly title: Locator;
  readonly timeline: Locator;
  readonly timelineEvents: Locator;
  readonly nextStep: Locator;
  readonly openItems: Locator;
  readonly stageDurations: Locator;
  readonly expectedPath: Locator;
  readonly deviations: Locator;
  readonly eventDetail: Locator;
  readonly rawPayload: Locator;
  readonly traceLink: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('journey');
    this.title = page.getByTestId('journey-title');
    this.timeline = page.getByTestId('journey-timeline');
    this.timelineEvents = page.getByTestId('timeline-event');
    this.nextStep = page.getByTestId('next-step');
    this.openItems = page.getByTestId('open-item');
    this.stageDurations = page.getByTestId('stage-durations');
    this.expectedPath = page.getByTestId('expected-path');
    this.deviations = page.getByTestId('deviation');
    this.eventDetail = page.getByTestId('event-detail');
    this.rawPayload = page.getByTestId('raw-payload');
    this.traceLink = page.getByTestId('trace-link');
  }

  static url(correlationId: string): string {
    return `/deals/${encodeURIComponent(correlationId)}`;
  }

  lane(source: string): Locator {
    return this.page.getByTestId(`lane-${source}`);
  }

  event(eventId: string): Locator {
    return this.page.locator(`[data-testid="timeline-event"][data-event-id="${eventId}"]`);
  }

  /** An open record of the deal, by its stuck rule. */
  openItem(rule: string): Locator {
    return this.page.locator(`[data-testid="open-item"][data-rule="${rule}"]`);
  }

  step(type: string): Locator {
    return this.page.locator(`[data-testid="path-step"][data-step="${type}"]`);
  }
}
