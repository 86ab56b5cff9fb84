// POST /api/ingest/netsuite: SuiteScript afterSubmit sender endpoint (see collectors/netsuite, docs/collectors.md).
import { collectorHandler } from '@/collectors/shared/collector';
import { netsuiteCollector } from '@/collectors/netsuite/collector';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(netsuiteCollector);

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
