// POST /api/ingest/quickbooks: QuickBooks Online webhook endpoint (see collectors/quickbooks).
import { collectorHandler } from '@/collectors/shared/collector';
import { quickbooksCollector } from '@/collectors/quickbooks/collector';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(quickbooksCollector);

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
