// Display helpers of the integrations pages: latencies, waits, rates, counts, times (UTC).

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms === 0) return '0';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  return fmtSeconds(ms / 1000);
}

/** A wait or an age: 45 s, 12 min, 3.5 h, 2.1 d. */
export function fmtSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || Number.isNaN(s)) return '—';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 2 * 86400) return `${Math.round((s / 3600) * 10) / 10} h`;
  return `${Math.round((s / 86400) * 10) / 10} d`;
}

export function fmtPct(r: number | null | undefined, digits = 1): string {
  if (r === null || r === undefined || Number.isNaN(r)) return '—';
  return `${(r * 100).toFixed(digits)}%`;
}

export function fmtRate(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 }).format(n);
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 102.4) / 10} KB`;
  return `${Math.round(n / 104857.6) / 10} MB`;
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC' }).format(new Date(iso));
}

/** Error-rate badge: ok under 2%, warn under 10%, bad above. */
export function rateTone(r: number | null): 'ok' | 'warn' | 'bad' {
  if (r === null || r < 0.02) return 'ok';
  return r < 0.1 ? 'warn' : 'bad';
}

export const flowLabel = (f: { flow_source: string; flow_target: string }) => `${f.flow_source || '?'} → ${f.flow_target || '?'}`;

export const dealHref = (correlationId: string) => `/deals/${encodeURIComponent(correlationId)}`;
export const traceHref = (traceId: string) => `/integrations/traces/${traceId}`;
