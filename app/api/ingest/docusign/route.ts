// POST /api/ingest/docusign: DocuSign Connect endpoint (see collectors/docusign).
import { collectorHandler } from '@/collectors/shared/collector';
import { docusignCollector } from '@/collectors/docusign/collector';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(docusignCollector);

export const { GET, PUT, PATCH, DELETE } = notAllowed('POST');
