'use client';
// The integrations view for IT: ingest health tiles, flow health table and charts, the
// failures of the selected flow, dead letters with their payload, orphans. The window,
// the shared filters, the selected flow (?flow=src:tgt) and dead letter (?dl=) live in
// the URL so a view can be shared.

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { filterValues } from '@/lib/queries/filters';
import { csvHref, useFlows } from './use-integrations';
import { IngestHealthTiles } from './ingest-health-tiles';
import { FlowTable, flowKey } from './flow-table';
import { FlowCharts } from './flow-charts';
import { FlowFailures } from './flow-failures';
import { DeadLettersPanel } from './dead-letters-panel';
import { OrphansPanel } from './orphans-panel';
import { WindowPicker } from './window-picker';
import styles from './integrations.module.css';
import { Updating } from '@/app/_components/updating';
import { ExportCsv } from '@/app/_components/export-csv';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

export function IntegrationsView() {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = filterValues((k) => sp.get(k)) as Record<string, string>;
  const flow = sp.get('flow');
  const dl = sp.get('dl');
  const flows = useFlows(filters);
  const { data, isLoading, isFetching } = flows;
  const error = loadError(flows);

  function setParam(key: string, value: string | null) {
    const next = new URLSearchParams(sp.toString());
    if (value) next.set(key, value);
    else next.delete(key);
    router.replace(`${pathname}${next.size ? `?${next}` : ''}`, { scroll: false });
  }

  const selected = flow && data?.flows.some((f) => flowKey(f) === flow) ? flow : null;
  const [selSource, selTarget] = selected ? [selected.slice(0, selected.indexOf(':')), selected.slice(selected.indexOf(':') + 1)] : [null, null];

  return (
    <div data-testid="integrations-view">
      <div className={styles.head}>
        <div>
          <h1>Integrations</h1>
          <p className="subtitle">Which flow failed, where, how often, and did the retry work? And can we trust the monitor itself?</p>
        </div>
        <div className={styles.actions}>
          <Updating active={isFetching} />
          <WindowPicker />
        </div>
      </div>

      <IngestHealthTiles />

      <section className="panel" style={{ marginTop: 16 }} aria-label="Flow health">
        <div className={styles.panelHead}>
          <h2>Flow health</h2>
          <ExportCsv href={csvHref('/api/flows', filters)} className="" testId="flows-csv" />
        </div>
        {isLoading && <div className="loading">Loading flows…</div>}
        <RefreshFailed query={flows} what="the flows" />
        {error && <div className="error">{error.message}</div>}
        {data && data.flows.length === 0 && <div className="empty">No sync runs or middleware traces in this window.</div>}
        {data && data.flows.length > 0 && (
          <>
            <FlowTable flows={data.flows} selected={selected} onSelect={(k) => setParam('flow', k === selected ? null : k)} />
            <p className={styles.note}>
              Runs are middleware sync outcomes and traced runs. Latency: span duration, else sync requested → outcome. Time to recover: first failure of a record → its next success on the same target.
              Select a flow to see its failing records.
            </p>
            <div style={{ marginTop: 12 }}>
              <FlowCharts trend={data.trend} bucket={data.bucket} />
            </div>
          </>
        )}
      </section>

      {selSource !== null && selTarget !== null && <FlowFailures flowSource={selSource} flowTarget={selTarget} filters={filters} />}

      <DeadLettersPanel filters={filters} selected={dl} onSelect={(id) => setParam('dl', id)} />

      <OrphansPanel
        filters={filters}
        onOpenDeadLetter={(id) => {
          setParam('dl', id);
          document.querySelector('[data-testid="dead-letters"]')?.scrollIntoView({ block: 'start' });
        }}
      />
    </div>
  );
}
