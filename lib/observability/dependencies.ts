// The state of what Cashtrace depends on — the store, the bus, the ingest writer — one
// place for GET /api/health (503 when one is down) and the integrations page's tiles.

import type { Runtime } from '../runtime';

export interface DependencyCheck {
  ok: boolean;
  detail: string;
  /** Up, with less to spare (the bus: a stream copy behind or lost). */
  warning?: string;
}

export interface DependencyChecks {
  clickhouse: DependencyCheck;
  bus: DependencyCheck & { kind: 'nats' | 'embedded' };
  ingest_writer: DependencyCheck;
}

/** Where the store is, without credentials: "embedded chDB" or the server's origin. */
function storeWhere(rt: Runtime, url: string | undefined): string {
  if (rt.store.kind === 'embedded') return 'embedded chDB';
  try {
    return `ClickHouse server ${new URL(url ?? '').origin}`;
  } catch {
    return 'ClickHouse server';
  }
}

export async function dependencyChecks(rt: Runtime, clickhouseUrl: string | undefined): Promise<DependencyChecks> {
  const [ch, bus] = await Promise.all([rt.store.ping().catch(() => false), rt.bus.health().catch((err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }))]);
  return {
    clickhouse: { ok: ch, detail: `${storeWhere(rt, clickhouseUrl)}${ch ? '' : ': does not answer'}` },
    bus: { ...bus, kind: rt.bus.kind },
    ingest_writer: rt.writerLost?.()
      ? { ok: false, detail: `stopped writing: ${rt.writerLost()}` }
      : rt.writerHeld?.()
      ? { ok: false, detail: `holding its writes: ${rt.writerHeld()}` }
      : rt.batcher
      ? { ok: true, detail: `in process; ${rt.batcher.stats.queuedRows} rows queued${rt.writer ? `; ${rt.writer.clocks.status().pendingDeals} deals wait for the clocks' refresh` : ''}` }
      : { ok: true, detail: 'runs in a separate worker process' },
  };
}
