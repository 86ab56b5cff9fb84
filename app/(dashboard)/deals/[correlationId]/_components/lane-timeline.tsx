'use client';
// The journey timeline: one lane per system (crm, cpq, clm, erp, psa, payments,
// middleware…), each event a dot at its business time, coloured by stage. Click or
// press Enter on a dot to see the event. A dashed line marks when the next step is due.

import type { MouseEvent } from 'react';
import { SOURCES } from '@/lib/events/catalogue';
import type { JourneyEvent } from '@/lib/contracts/deals';
import { STAGE_COLOR, formatAxisTime, formatDate, stepLabel } from '@/app/_components/journey-format';
import styles from './journey.module.css';

const W = 1000;
const LEFT = 110;
const RIGHT = 24;
const LANE_H = 40;
const TOP = 8;
const AXIS_H = 28;

export const SOURCE_LABEL: Record<string, string> = {
  crm: 'CRM', cpq: 'CPQ', clm: 'CLM', psa: 'PSA', hcm: 'HCM', erp: 'ERP', billing: 'Billing', payments: 'Payments', middleware: 'Middleware',
};

/**
 * The journey's address with this event selected (`?event=`): the timeline's dots and the event
 * list's dates link there, so a click before the page's scripts run (a slow connection) selects
 * the event too, and the address of a selected event can be shared.
 */
export function eventHref(eventId: string): string {
  return `?event=${encodeURIComponent(eventId)}`;
}

/** A plain click selects in place (no navigation); a click opening a new tab or window is the browser's. */
export function selectOnClick(click: MouseEvent, eventId: string, onSelect: (id: string) => void): void {
  if (click.button !== 0 || click.metaKey || click.ctrlKey || click.shiftKey || click.altKey) return;
  click.preventDefault();
  onSelect(eventId);
}

export function LaneTimeline(props: { events: JourneyEvent[]; selected: string | null; onSelect: (id: string) => void; dueAt: string | null }) {
  const { events, selected, onSelect, dueAt } = props;
  const lanes = [...SOURCES].filter((s) => events.some((e) => e.source === s));
  for (const e of events) if (!lanes.includes(e.source as (typeof SOURCES)[number])) lanes.push(e.source as (typeof SOURCES)[number]);
  const times = events.map((e) => new Date(e.occurred_at).getTime());
  const due = dueAt ? new Date(dueAt).getTime() : null;
  let t0 = Math.min(...times);
  let t1 = Math.max(...times, due ?? -Infinity);
  if (t1 - t0 < 3_600_000) {
    t0 -= 1_800_000;
    t1 += 1_800_000;
  }
  const pad = (t1 - t0) * 0.03;
  t0 -= pad;
  t1 += pad;
  const x = (t: number) => LEFT + ((t - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
  const H = TOP + lanes.length * LANE_H + AXIS_H;
  const ticks = Array.from({ length: 6 }, (_, i) => t0 + ((t1 - t0) * i) / 5);
  // Events at (nearly) the same time on one lane are nudged apart vertically.
  const slot = new Map<string, number>();

  return (
    <svg viewBox={`0 0 ${W} ${H}`} className={styles.timeline} role="group" aria-label="Journey timeline" data-testid="journey-timeline">
      {lanes.map((s, i) => (
        <g key={s} data-testid={`lane-${s}`} data-lane={s}>
          <rect x={0} y={TOP + i * LANE_H} width={W} height={LANE_H} fill={i % 2 ? '#fafbfc' : '#fff'} />
          <text x={12} y={TOP + i * LANE_H + LANE_H / 2 + 4} className={styles.laneLabel}>
            {SOURCE_LABEL[s] ?? s}
          </text>
          <line x1={LEFT} x2={W - RIGHT} y1={TOP + i * LANE_H + LANE_H / 2} y2={TOP + i * LANE_H + LANE_H / 2} stroke="#e3e7ed" />
        </g>
      ))}
      {ticks.map((t, i) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={TOP} y2={TOP + lanes.length * LANE_H} stroke="#eef1f5" />
          <text x={x(t)} y={H - 8} textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'} className={styles.tick}>
            {formatAxisTime(t, (t1 - t0) / (ticks.length - 1))}
          </text>
        </g>
      ))}
      {due !== null && (
        <g data-testid="timeline-due">
          <line x1={x(due)} x2={x(due)} y1={TOP} y2={TOP + lanes.length * LANE_H} stroke="#d64545" strokeDasharray="4 4" />
          <text x={x(due) - 4} y={TOP + 10} textAnchor="end" className={styles.dueLabel}>
            next step due
          </text>
        </g>
      )}
      {events.map((e) => {
        const lane = lanes.indexOf(e.source as (typeof SOURCES)[number]);
        const cx = x(new Date(e.occurred_at).getTime());
        const bucket = `${lane}:${Math.round(cx / 8)}`;
        const n = slot.get(bucket) ?? 0;
        slot.set(bucket, n + 1);
        const cy = TOP + lane * LANE_H + LANE_H / 2 + (n === 0 ? 0 : (n % 2 ? -1 : 1) * Math.ceil(n / 2) * 7);
        const isSel = e.event_id === selected;
        const failed = e.type === 'sync.failed' || e.type === 'payment.failed';
        return (
          <a
            key={e.event_id}
            href={eventHref(e.event_id)}
            aria-label={`${stepLabel(e.type)} ${e.entity_id} on ${formatDate(e.occurred_at)}`}
            aria-current={isSel ? 'true' : undefined}
            className={styles.dotGroup}
            onClick={(click) => selectOnClick(click, e.event_id, onSelect)}
            data-testid="timeline-event"
            data-event-id={e.event_id}
            data-source={e.source}
          >
            <title>{`${stepLabel(e.type)} · ${e.entity_id} · ${formatDate(e.occurred_at)}`}</title>
            {isSel && <circle cx={cx} cy={cy} r={11} fill="none" stroke="#1b2330" strokeWidth={2} />}
            <circle cx={cx} cy={cy} r={failed ? 7 : 6} fill={failed ? '#d64545' : STAGE_COLOR[e.stage]} stroke="#fff" strokeWidth={1.5} />
          </a>
        );
      })}
    </svg>
  );
}
