// The hand-built book (q2c-fixture.ts) in a temporary store, for one test file: loaded before
// its tests run, closed after.

import { afterAll, beforeAll } from 'vitest';
import type { Store } from '../clickhouse/client';
import { openTempStore } from './temp-store';
import { loadFixture } from './load-fixture';

/** `onOpen` gets the store once the book is loaded (in beforeAll). */
export function withFixtureStore(onOpen: (store: Store) => void): void {
  let store: Store | undefined;
  beforeAll(async () => {
    store = (await openTempStore()).store;
    await loadFixture(store);
    onOpen(store);
  });
  afterAll(async () => store?.close());
}
