// Test helper: one temporary store (openTempStore) for a test file's tests — opened before
// them, closed (and its directory removed) after them; with `empty`, emptied (truncateAll)
// before each test.

import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Store } from '../clickhouse/client';
import { openTempStore, truncateAll } from './temp-store';

/** `opened` receives the store once it is open (before any test runs). */
export function sharedTempStore(opened: (store: Store) => void, opts: { empty?: boolean } = {}): void {
  let store: Store | undefined;
  beforeAll(async () => {
    ({ store } = await openTempStore());
    opened(store);
  });
  afterAll(async () => {
    await store?.close();
  });
  if (opts.empty) {
    beforeEach(async () => {
      await truncateAll(store!);
    });
  }
}
