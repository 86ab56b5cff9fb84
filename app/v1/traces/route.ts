// POST /v1/traces: OTLP/HTTP trace receiver (see collectors/otlp/handler.ts).
import { otlpTracesHandler } from '@/collectors/otlp/handler';

export const dynamic = 'force-dynamic';
export const POST = otlpTracesHandler();
