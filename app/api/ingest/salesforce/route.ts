// POST /api/ingest/salesforce: CDC / Platform Event JSON and Outbound Message SOAP (see collectors/salesforce).
import { collectorHandler } from '@/collectors/shared/collector';
import { salesforceCollector } from '@/collectors/salesforce/collector';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(salesforceCollector);

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
