// /integrations/traces/{traceId}: one trace's span waterfall, linked to its deal.
import { TraceView } from './_components/trace-view';

export default async function TracePage({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  return <TraceView traceId={traceId} />;
}
