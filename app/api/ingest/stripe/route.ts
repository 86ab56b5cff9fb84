// POST /api/ingest/stripe: Stripe webhook endpoint (see collectors/stripe).
import { collectorHandler } from '@/collectors/shared/collector';
import { stripeCollector } from '@/collectors/stripe/collector';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(stripeCollector);

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
