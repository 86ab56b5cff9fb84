// /integrations/traces/{traceId}: one trace's span waterfall, linked to its deal.
import { AreaGuard } from '../../../_components/area-guard';
import { TraceView } from './_components/trace-view';

export default async function TracePage({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  return (
    <AreaGuard area="/integrations" title="Trace">
      <TraceView traceId={traceId} />
    </AreaGuard>
  );
}
