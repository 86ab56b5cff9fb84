// POST /api/ingest/xero: Xero webhook endpoint, intent-to-receive included (see collectors/xero).
import { collectorHandler } from '@/collectors/shared/collector';
import { xeroCollector } from '@/collectors/xero/collector';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(xeroCollector);
