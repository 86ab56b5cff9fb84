// The periodic reload of managed credentials: every interval while its store is open, never
// after it was closed (a runtime closed before its process ends: tests, a writer handing over).

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../clickhouse/client';
import { startPeriodicRefresh } from './managed-credentials';

afterEach(() => vi.useRealTimers());

describe('startPeriodicRefresh', () => {
  it('reloads every interval, once per store and kind, and stops once the store is closed', async () => {
    vi.useFakeTimers();
    let closed = false;
    const store = { isClosed: () => closed } as unknown as Store;
    const refresh = vi.fn(async () => undefined);
    startPeriodicRefresh(store, 'test-kind', refresh, 1_000);
    startPeriodicRefresh(store, 'test-kind', refresh, 1_000);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(refresh).toHaveBeenCalledTimes(3);
    closed = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refresh).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });
});
