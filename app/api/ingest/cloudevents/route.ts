// POST /api/ingest/cloudevents: CloudEvents 1.0 over HTTP, binary/structured/batch (see collectors/cloudevents).
import { collectorHandler } from '@/collectors/shared/collector';
import { cloudeventsCollector } from '@/collectors/cloudevents/collector';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(cloudeventsCollector);

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
