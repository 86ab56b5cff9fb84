// /sla — SLA policies (editable by an admin), breaches over time and by dimension, calendars.
import { Suspense } from 'react';
import { SlaView } from './_components/sla-view';

export default function SlaPage() {
  return (
    <Suspense fallback={<div className="loading">Loading SLA…</div>}>
      <SlaView />
    </Suspense>
  );
}
