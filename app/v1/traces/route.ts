// POST /v1/traces: OTLP/HTTP trace receiver (see collectors/otlp/handler.ts).
import { otlpTracesHandler } from '@/collectors/otlp/handler';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = otlpTracesHandler();

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
