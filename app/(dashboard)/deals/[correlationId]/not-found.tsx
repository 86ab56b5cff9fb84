'use client';
// /deals/{address} that is no deal's correlation ID and no record's of any deal: the page
// answers 404 (notFound() in page.tsx) and says so here, inside the dashboard, with the way
// to search the deals for it. A not-found page is given no params: the address is the path's.
import { usePathname } from 'next/navigation';
import { decodeSegment } from '@/lib/http/params';
import { JourneyView } from './_components/journey-view';

export default function UnknownDeal() {
  const address = decodeSegment(usePathname().split('/').pop() ?? '');
  return <JourneyView correlationId={address} noDeal={{ candidates: [] }} />;
}
