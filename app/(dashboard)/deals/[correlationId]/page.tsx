// /deals/{correlationId}: one deal's journey.
import { decodeSegment } from '@/lib/http/params';
import { JourneyView } from './_components/journey-view';

export default async function DealJourneyPage({ params }: { params: Promise<{ correlationId: string }> }) {
  const { correlationId } = await params;
  return <JourneyView correlationId={decodeSegment(correlationId)} />;
}
