// Display helpers for journeys: durations, relative times, dates, step and stage labels,
// stage colours. Shared by the deals, journey and variants pages.

import { formatHours } from '@/lib/money/format';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < HOUR) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (ms < 2 * DAY) return `${Math.round((ms / HOUR) * 10) / 10} h`;
  const days = ms / DAY;
  return `${days >= 10 ? Math.round(days) : Math.round(days * 10) / 10} d`;
}

/** How late a step is: as a deal's open items and the stuck queues say it (formatHours), so one lateness reads alike everywhere. */
export function formatLate(ms: number | null | undefined): string {
  return formatHours(ms === null || ms === undefined ? ms : ms / HOUR);
}

export function formatAgo(iso: string, now = Date.now()): string {
  const ms = now - new Date(iso).getTime();
  return ms < 0 ? `in ${formatDuration(-ms)}` : `${formatDuration(ms)} ago`;
}

export function formatDate(iso: string | null | undefined, withTime = true): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    day: '2-digit',
    month: 'short',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
    timeZone: 'UTC',
  }).format(new Date(iso));
}

/**
 * An axis label for time `t` on an axis whose ticks are `stepMs` apart: a day's hours ('03
 * Dec, 14:30') when ticks are under a day apart (two of them could fall on one date), the
 * date ('03 Dec 2026') otherwise. UTC, as every date of the journey.
 */
export function formatAxisTime(t: number, stepMs: number): string {
  const short = stepMs < 24 * HOUR;
  return new Intl.DateTimeFormat('en-GB', {
    day: '2-digit',
    month: 'short',
    ...(short ? { hour: '2-digit', minute: '2-digit' } : { year: 'numeric' }),
    timeZone: 'UTC',
  }).format(new Date(t));
}

/** 'billing_schedule.created' ▶ 'Billing schedule created'. */
export function stepLabel(type: string): string {
  const s = type.replace(/[._]/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const STAGE_LABEL: Record<string, string> = {
  booked: 'Booked',
  set_up: 'Set up',
  delivering: 'Delivering',
  billed: 'Billed',
  collected: 'Collected',
  changed: 'Changed',
  integration: 'Integration',
};

export const STAGE_COLOR: Record<string, string> = {
  booked: '#6366f1',
  set_up: '#0ea5e9',
  delivering: '#14b8a6',
  billed: '#f59e0b',
  collected: '#22c55e',
  changed: '#a855f7',
  integration: '#64748b',
};

export const BILLING_MODEL_LABEL: Record<string, string> = {
  fixed_fee: 'Fixed fee',
  time_and_materials: 'Time & materials',
  milestone: 'Milestone',
  retainer: 'Retainer',
};

/** The record number users know, from a correlation ID or entity key ('crm:opportunity:OPP-1' ▶ 'OPP-1'). */
export function shortKey(key: string): string {
  const parts = key.split(':');
  return parts.length >= 3 ? parts.slice(2).join(':') : key;
}
