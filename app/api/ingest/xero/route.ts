// POST /api/ingest/xero: Xero webhook endpoint, intent-to-receive included (see collectors/xero).
import { collectorHandler } from '@/collectors/shared/collector';
import { xeroCollector } from '@/collectors/xero/collector';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(xeroCollector);

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
