// POST /api/ingest/hubspot: HubSpot webhook endpoint (see collectors/hubspot).
import { collectorHandler } from '@/collectors/shared/collector';
import { hubspotCollector } from '@/collectors/hubspot/collector';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(hubspotCollector);

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
