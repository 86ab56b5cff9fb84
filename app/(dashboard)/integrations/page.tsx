// /integrations: flow health, failures, dead letters, orphans and ingest health, for IT.
import { Suspense } from 'react';
import { IntegrationsView } from './_components/integrations-view';

export default function IntegrationsPage() {
  return (
    <Suspense fallback={<div className="loading">Loading integrations…</div>}>
      <IntegrationsView />
    </Suspense>
  );
}
