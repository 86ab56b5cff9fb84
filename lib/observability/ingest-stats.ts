// The in-process half of ingest health: batch sizes, insert latency, queue depth and
// counters from this process's Prometheus registry. They describe only the process that
// answers (the web process when it runs the ingest worker); with a separate worker they
// stay at zero and `ingest_worker` says so. Quantiles are bucket upper bounds ("≤ x").

import { metrics } from './metrics';

export interface IngestProcessStats {
  ingest_worker: boolean;
  batches: number;
  rows_inserted: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  batch_rows_mean: number | null;
  /** Smallest bucket bound holding 95% of batches; null when above the largest bucket or no batch yet. */
  batch_rows_p95_le: number | null;
  insert_ms_mean: number | null;
  insert_ms_p95_le: number | null;
  queue_rows: number | null;
  queue_bytes: number | null;
}

function p95Bound(buckets: { le: number; count: number }[], total: number): number | null {
  if (total === 0) return null;
  return buckets.find((b) => b.count >= 0.95 * total)?.le ?? null;
}

export function ingestProcessStats(ingestWorker: boolean): IngestProcessStats {
  const m = metrics();
  const rows = m.batchSize.snapshot();
  const secs = m.insertSeconds.snapshot();
  const gauge = (name: string) => m.gauges.find((g) => g.name === name)?.get() ?? null;
  const insertP95 = p95Bound(m.insertSeconds.bucketCounts(), secs.count);
  return {
    ingest_worker: ingestWorker,
    batches: rows.count,
    rows_inserted: m.eventsInserted.get(),
    accepted: m.eventsAccepted.get(),
    rejected: m.eventsRejected.get(),
    duplicates: m.eventsDuplicate.get(),
    batch_rows_mean: rows.count > 0 ? rows.sum / rows.count : null,
    batch_rows_p95_le: p95Bound(m.batchSize.bucketCounts(), rows.count),
    insert_ms_mean: secs.count > 0 ? (secs.sum / secs.count) * 1000 : null,
    insert_ms_p95_le: insertP95 === null ? null : insertP95 * 1000,
    queue_rows: gauge('cashtrace_ingest_queue_rows'),
    queue_bytes: gauge('cashtrace_ingest_queue_bytes'),
  };
}
