// POST /api/ingest/hubspot: HubSpot webhook endpoint (see collectors/hubspot).
import { collectorHandler } from '@/collectors/shared/collector';
import { hubspotCollector } from '@/collectors/hubspot/collector';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(hubspotCollector);
