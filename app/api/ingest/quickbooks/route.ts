// POST /api/ingest/quickbooks: QuickBooks Online webhook endpoint (see collectors/quickbooks).
import { collectorHandler } from '@/collectors/shared/collector';
import { quickbooksCollector } from '@/collectors/quickbooks/collector';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(quickbooksCollector);
