// POST /api/ingest/stripe: Stripe webhook endpoint (see collectors/stripe).
import { collectorHandler } from '@/collectors/shared/collector';
import { stripeCollector } from '@/collectors/stripe/collector';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(stripeCollector);
