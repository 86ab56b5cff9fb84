// How long a page's data takes to appear: reported (console and the test's annotations),
// never asserted. Measured from navigation to the first moment the data's element is
// visible: not gated on the load event (data rendered on the server is on screen before the
// scripts finish loading), and with Playwright's frame-by-frame wait rather than expect's
// retry backoff (100–1000 ms steps).

import { test, type Locator, type Page } from '@playwright/test';

export function reportTiming(name: string, ms: number): void {
  test.info().annotations.push({ type: 'timing', description: `${name}: ${ms} ms` });
  console.log(`[timing] ${name}: ${ms} ms`);
}

/** Navigates to `url` and reports when the first element of `data` is visible. */
export async function gotoOnScreen(page: Page, url: string, data: Locator, name: string): Promise<void> {
  const started = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await data.first().waitFor({ state: 'visible' });
  reportTiming(name, Date.now() - started);
}

/**
 * Holds back the app's scripts from now on: pages show as the server rendered them, React not
 * running them, until the returned function lets the scripts through.
 */
export async function holdScripts(page: Page): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/_next\/static\/chunks\/.*\.js/, async (route) => {
    await held;
    await route.continue().catch(() => undefined);
  });
  return release;
}
