// Deterministic identifiers and value helpers used by the adapters: a stable event id
// when the vendor gives none (same payload ⇒ same id ⇒ counted once), money in minor
// units, and tolerant date parsing (epoch ms, epoch s, ISO).

import crypto from 'node:crypto';

export function stableId(prefix: string, ...parts: unknown[]): string {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : JSON.stringify(p) ?? '').update('\0');
  return `${prefix}:${h.digest('hex').slice(0, 32)}`;
}

/** ISO 4217 currencies without a minor unit (Stripe sends their amounts as is). */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);

export function fromMinorUnits(amount: unknown, currency: string): number | null {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return null;
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? amount : Math.round(amount) / 100;
}

export function toMinorUnits(amount: number, currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? Math.round(amount) : Math.round(amount * 100);
}

/** Number from a number or numeric string, else null. */
export function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** ISO string from ISO text, epoch milliseconds, or epoch seconds (values below 1e11). */
export function isoTime(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v < 1e11 ? v * 1000 : v).toISOString();
  if (typeof v === 'string' && v) {
    if (/^\d+$/.test(v)) return isoTime(Number(v));
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  return null;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
