// GET /api/metrics: Cashtrace's own health in the Prometheus text format.

import { metrics } from '@/lib/observability/metrics';
import { getRuntime } from '@/lib/runtime';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export async function GET() {
  // Opening the runtime registers the write-buffer gauges.
  await getRuntime().catch(() => null);
  return new Response(metrics().render(), { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } });
}

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
