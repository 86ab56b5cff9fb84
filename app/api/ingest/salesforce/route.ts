// POST /api/ingest/salesforce: CDC / Platform Event JSON and Outbound Message SOAP (see collectors/salesforce).
import { collectorHandler } from '@/collectors/shared/collector';
import { salesforceCollector } from '@/collectors/salesforce/collector';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(salesforceCollector);
