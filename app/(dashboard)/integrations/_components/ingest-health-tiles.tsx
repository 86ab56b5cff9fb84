'use client';
// Cashtrace's own ingest health as tiles: throughput, lag, dead-letter rate, freshness
// (from ClickHouse), batch size and insert latency (from this process), orphans, and the
// state of the store, the bus (a JetStream stream's leader and copies) and the writer.

import { Area, AreaChart, ResponsiveContainer, Tooltip } from 'recharts';
import type { IngestHealthResponse } from '@/lib/contracts/integrations';
import { useIngestHealth } from './use-integrations';
import { fmtMs, fmtPct, fmtRate, fmtSeconds } from './format';
import styles from './integrations.module.css';
import { formatCount } from '@/lib/money/format';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const MINUTES = 15;

function Tile(props: { label: string; value: string; sub?: string; tone?: 'ok' | 'warn' | 'bad'; testId: string; children?: React.ReactNode }) {
  const tone = props.tone === 'bad' ? styles.tileBad : props.tone === 'warn' ? styles.tileWarn : props.tone === 'ok' ? styles.tileOk : '';
  return (
    <div className={`tile ${tone}`} data-testid={props.testId}>
      <div className="label">{props.label}</div>
      <div className="value">{props.value}</div>
      {props.sub && <div className="sub">{props.sub}</div>}
      {props.children}
    </div>
  );
}

function Sparkline({ data }: { data: IngestHealthResponse['per_minute'] }) {
  if (data.length < 2) return null;
  return (
    <div style={{ height: 34, marginTop: 4 }}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 2, right: 0, bottom: 0, left: 0 }}>
          <Tooltip formatter={(v) => [`${v} events`, '']} labelFormatter={() => ''} />
          <Area type="monotone" dataKey="events" stroke="#2f6fed" fill="#e8f0fe" strokeWidth={1.5} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

export function IngestHealthTiles() {
  const health = useIngestHealth(MINUTES);
  const { data: h, isLoading } = health;
  const error = loadError(health);
  if (isLoading) return <div className="loading">Loading ingest health…</div>;
  if (error || !h) return <div className="error">Ingest health unavailable: {error?.message}</div>;
  const p = h.process;
  const d = h.dependencies;
  const freshTone = h.freshness_s === null ? 'warn' : h.freshness_s > 900 ? 'warn' : 'ok';
  const dlTone = h.dead_letter_rate === null ? undefined : h.dead_letter_rate > 0.05 ? 'bad' : h.dead_letter_rate > 0.01 ? 'warn' : 'ok';
  return (
    <section aria-label="Ingest health" data-testid="ingest-health">
      <RefreshFailed query={health} what="the ingest health" />
      <div className="grid cols-4">
        <Tile testId="tile-events-per-s" label={`Events/s · last ${h.minutes} min`} value={fmtRate(h.events_per_s)} sub={`${formatCount(h.events)} events · last full minute ${fmtRate(h.last_minute_events_per_s)}/s`}>
          <Sparkline data={h.per_minute} />
        </Tile>
        <Tile
          testId="tile-lag"
          label="Ingest lag (live events)"
          value={h.lag_p50_ms === null ? '—' : `${fmtMs(h.lag_p50_ms)} p50`}
          sub={h.live_events > 0 ? `p95 ${fmtMs(h.lag_p95_ms)} · max ${fmtMs(h.lag_max_ms)} · ${formatCount(h.live_events)} live${h.clock_ahead ? ` · ${h.clock_ahead} with clock ahead` : ''}` : 'no live events in the window'}
        />
        <Tile testId="tile-dead-letter-rate" label="Dead-letter rate" value={fmtPct(h.dead_letter_rate, 2)} tone={dlTone} sub={`${formatCount(h.dead_letters)} rejected of ${formatCount(h.events + h.dead_letters)} in ${h.minutes} min`} />
        <Tile
          testId="tile-freshness"
          label="Last event received"
          value={h.freshness_s === null ? 'never' : `${fmtSeconds(h.freshness_s)} ago`}
          tone={freshTone}
          sub={`${formatCount(h.total_events)} events stored · ${formatCount(h.orphans)} orphans`}
        />
      </div>
      <div className="grid cols-4" style={{ marginTop: 12 }}>
        <Tile testId="tile-batch-rows" label="Rows per insert (mean)" value={p.batch_rows_mean === null ? '—' : formatCount(p.batch_rows_mean)} sub={p.batch_rows_p95_le === null ? `${formatCount(p.batches)} batches` : `p95 ≤ ${formatCount(p.batch_rows_p95_le)} · ${formatCount(p.batches)} batches`} />
        <Tile testId="tile-insert-latency" label="Insert latency (mean)" value={fmtMs(p.insert_ms_mean)} sub={p.insert_ms_p95_le === null ? 'dedup + stitch + insert' : `p95 ≤ ${fmtMs(p.insert_ms_p95_le)} · dedup + stitch + insert`} />
        <Tile testId="tile-queue" label="Write buffer" value={p.queue_rows === null ? '—' : `${formatCount(p.queue_rows)} rows`} sub={p.ingest_worker ? 'queued for ClickHouse in this process' : 'ingest worker runs in another process'} />
        <Tile testId="tile-accepted" label="Since start (this process)" value={`${formatCount(p.rows_inserted)} rows`} sub={`${formatCount(p.duplicates)} duplicates dropped · ${formatCount(p.batches)} inserts`} />
      </div>
      <div className="grid cols-4" style={{ marginTop: 12 }}>
        <Tile testId="tile-store" label="Store" value={d.clickhouse.ok ? 'Up' : 'Down'} tone={d.clickhouse.ok ? 'ok' : 'bad'} sub={d.clickhouse.detail} />
        <Tile testId="tile-bus" label={d.bus.kind === 'nats' ? 'Event bus · NATS JetStream' : 'Event bus · in process'} value={d.bus.ok ? (d.bus.warning ? 'Up, degraded' : 'Up') : 'Down'} tone={d.bus.ok ? (d.bus.warning ? 'warn' : 'ok') : 'bad'} sub={d.bus.warning ? `${d.bus.detail}. ${d.bus.warning}` : d.bus.detail} />
        <Tile testId="tile-writer" label="Ingest writer" value={!d.ingest_writer.ok ? (d.ingest_writer.detail.startsWith('holding') ? 'Holding writes' : 'Stopped') : p.ingest_worker ? 'In this process' : 'Separate worker'} tone={d.ingest_writer.ok ? undefined : 'bad'} sub={d.ingest_writer.detail.replace(/^in process; /, '')} />
      </div>
      <p className={styles.note}>Throughput, lag, dead-letter rate and freshness are read from ClickHouse; batch and buffer figures and the store, bus and writer state come from the process serving this page.</p>
    </section>
  );
}
