// POST /api/ingest/files: CSV / JSONL uploads with a declared mapping (see collectors/files).
import { collectorHandler } from '@/collectors/shared/collector';
import { filesCollector } from '@/collectors/files/collector';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(filesCollector);

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
