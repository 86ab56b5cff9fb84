// GET /api/health: 200 {"status":"ok", …} with each dependency's state; 503 when one is down.

import { NextResponse } from 'next/server';
import { getRuntime } from '@/lib/runtime';

export const dynamic = 'force-dynamic';

export async function GET() {
  const checks: Record<string, { ok: boolean; detail: string }> = {};
  let status = 200;
  try {
    const rt = await getRuntime();
    const ch = await rt.store.ping();
    checks.clickhouse = { ok: ch, detail: rt.store.kind === 'embedded' ? 'embedded chDB' : 'ClickHouse server' };
    checks.bus = await rt.bus.health();
    checks.ingest_writer = rt.batcher
      ? { ok: true, detail: `in process; ${rt.batcher.stats.queuedRows} rows queued${rt.writer ? `; ${rt.writer.clocks.status().pendingDeals} deals wait for the clocks' refresh` : ''}` }
      : { ok: true, detail: 'runs in a separate worker process' };
  } catch (err) {
    checks.startup = { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
  if (Object.values(checks).some((c) => !c.ok)) status = 503;
  return NextResponse.json({ status: status === 200 ? 'ok' : 'degraded', checks }, { status });
}
