// GET /api/health: 200 {"status":"ok", …} with each dependency's state; 503 when one is down.

import { NextResponse } from 'next/server';
import { getRuntime } from '@/lib/runtime';
import { env } from '@/lib/env';
import { dependencyChecks } from '@/lib/observability/dependencies';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export async function GET() {
  let checks: Record<string, { ok: boolean; detail: string; warning?: string }> = {};
  let status = 200;
  try {
    const rt = await getRuntime();
    const { clickhouse, bus, ingest_writer } = await dependencyChecks(rt, env().CLICKHOUSE_URL);
    checks = { clickhouse, bus: { ok: bus.ok, detail: bus.detail, ...(bus.warning ? { warning: bus.warning } : {}) }, ingest_writer };
  } catch (err) {
    checks.startup = { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
  if (Object.values(checks).some((c) => !c.ok)) status = 503;
  return NextResponse.json({ status: status === 200 ? 'ok' : 'degraded', checks }, { status });
}

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
