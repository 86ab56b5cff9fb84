// POST /api/ingest/cloudevents: CloudEvents 1.0 over HTTP, binary/structured/batch (see collectors/cloudevents).
import { collectorHandler } from '@/collectors/shared/collector';
import { cloudeventsCollector } from '@/collectors/cloudevents/collector';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(cloudeventsCollector);
