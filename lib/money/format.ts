// Formatting money with Intl in its own currency (compact for tiles, full for tables).
// Compact figures are scaled here rather than with Intl's compact notation: pages render on
// the server (Node's ICU) and hydrate in the browser (its own ICU), and the two spelled the
// same amount differently (Node 20: "€39.0k", Chromium: "€39k"), a hydration mismatch.

const UNITS = [
  { at: 1e9, suffix: 'bn' },
  { at: 1e6, suffix: 'm' },
  { at: 1e3, suffix: 'k' },
];

function currencyFormat(code: string, fractionDigits: { min: number; max: number }): Intl.NumberFormat {
  return new Intl.NumberFormat('en-GB', {
    style: 'currency',
    currency: code,
    minimumFractionDigits: fractionDigits.min,
    maximumFractionDigits: fractionDigits.max,
  });
}

export function formatMoney(value: number | null | undefined, currency: string, opts: { compact?: boolean } = {}): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const code = /^[A-Z]{3}$/.test(currency) ? currency : 'EUR';
  if (!opts.compact) return currencyFormat(code, { min: 2, max: 2 }).format(value);
  // the largest unit the amount reaches; one up when rounding makes it 1,000 of it (999,960 is "€1m", not "€1000k")
  const i = UNITS.findIndex((u) => Math.abs(value) >= u.at);
  let unit = i < 0 ? undefined : UNITS[i];
  if (unit && i > 0 && Math.round((Math.abs(value) / unit.at) * 10) / 10 >= 1000) unit = UNITS[i - 1];
  const scaled = unit ? Math.round((value / unit.at) * 10) / 10 : Math.round(value);
  const parts = currencyFormat(code, { min: 0, max: unit ? 1 : 0 }).formatToParts(scaled);
  // the suffix goes right after the number (before a currency sign that follows it)
  const last = parts.findLastIndex((p) => p.type === 'integer' || p.type === 'fraction');
  return parts.map((p, i) => p.value + (i === last && unit ? unit.suffix : '')).join('');
}

export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || Number.isNaN(hours)) return '—';
  // an item late by minutes is late: not "0 h"
  if (hours !== 0 && Math.abs(hours) < 0.05) return `${hours < 0 ? '> -' : '< '}0.1 h`;
  if (Math.abs(hours) < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}

const COUNT = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** A count with thousands separated (1,374), as the tables' money is. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return COUNT.format(n);
}

export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  // a share above nothing never reads as 0% (1 deal of 2,974 is "<0.1%"), nor one short of all as 100%
  if (share > 0 && share < 0.0005) return '<0.1%';
  if (share < 1 && share > 0.9995) return '>99.9%';
  return `${Math.round(share * 1000) / 10}%`;
}
