// /variants: the most common journey paths, their share and conformance to the expected path.
import { Suspense } from 'react';
import { VariantsView } from './_components/variants-view';

export default function VariantsPage() {
  return (
    <Suspense fallback={<div className="loading">Loading variants…</div>}>
      <VariantsView />
    </Suspense>
  );
}
