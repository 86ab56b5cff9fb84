'use client';
// The time window of the integrations view (`from`/`to` in the URL, the shared filter
// keys), as presets; the other shared filters in the URL are kept untouched.

import { usePathname, useRouter, useSearchParams } from 'next/navigation';

const PRESETS = [
  { key: '1d', label: 'Today and yesterday', days: 1 },
  { key: '7d', label: 'Last 7 days', days: 7 },
  { key: '30d', label: 'Last 30 days', days: 30 },
  { key: '90d', label: 'Last 90 days', days: 90 },
  { key: 'all', label: 'All time', days: null },
] as const;

const day = (offsetDays: number) => new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);

export function WindowPicker() {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const from = sp.get('from');
  const to = sp.get('to');
  const current = !from && !to ? 'all' : (PRESETS.find((p) => p.days !== null && from === day(p.days) && !to)?.key ?? 'custom');

  function choose(key: string) {
    const next = new URLSearchParams(sp.toString());
    const preset = PRESETS.find((p) => p.key === key);
    next.delete('to');
    if (!preset || preset.days === null) next.delete('from');
    else next.set('from', day(preset.days));
    router.replace(`${pathname}${next.size ? `?${next}` : ''}`, { scroll: false });
  }

  return (
    <label className="muted">
      Window{' '}
      <select value={current} onChange={(e) => choose(e.target.value)} data-testid="window-picker" aria-label="Time window">
        {PRESETS.map((p) => (
          <option key={p.key} value={p.key}>
            {p.label}
          </option>
        ))}
        {current === 'custom' && (
          <option value="custom" disabled>
            {from ?? '…'} – {to ?? 'now'}
          </option>
        )}
      </select>
    </label>
  );
}
