// POST /api/ingest/docusign: DocuSign Connect endpoint (see collectors/docusign).
import { collectorHandler } from '@/collectors/shared/collector';
import { docusignCollector } from '@/collectors/docusign/collector';

export const dynamic = 'force-dynamic';
export const POST = collectorHandler(docusignCollector);
