// The period a KPI view covers and the previous period of the same length it is compared
// with; trends are daily up to 31 days, weekly beyond. Default: the 90 days up to now.

import type { Filters } from './filters';

export interface KpiWindow {
  from: string;
  to: string;
  previousFrom: string;
  fromDate: Date;
  /** Exclusive end: the day after `to`. */
  toDate: Date;
  previousFromDate: Date;
  days: number;
  bucket: 'day' | 'week';
}

const DAY = 86_400_000;
/** A date's UTC day, YYYY-MM-DD. */
export const day = (d: Date) => d.toISOString().slice(0, 10);

export function kpiWindow(f: Filters, now: Date): KpiWindow {
  const to = f.to ? f.to.slice(0, 10) : day(now);
  const toDate = new Date(Date.parse(`${to}T00:00:00Z`) + DAY);
  const from = f.from ? f.from.slice(0, 10) : day(new Date(toDate.getTime() - 90 * DAY));
  const fromDate = new Date(`${from}T00:00:00Z`);
  const days = Math.max(1, Math.round((toDate.getTime() - fromDate.getTime()) / DAY));
  const previousFromDate = new Date(fromDate.getTime() - days * DAY);
  return { from, to, previousFrom: day(previousFromDate), fromDate, toDate, previousFromDate, days, bucket: days <= 31 ? 'day' : 'week' };
}
