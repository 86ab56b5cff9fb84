'use client';
// The shared filter bar (date range, region, practice, legal entity, customer, billing
// model). Its state lives in the URL so a filtered view can be shared; every view reads it
// back with useFilters(). Pass `options` to offer known values for a dimension.

import { useEffect, useState } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { FILTER_KEYS, NO_VALUE, filterValues } from '@/lib/queries/filters';
import { BILLING_MODELS } from '@/lib/events/catalogue';
import styles from './filter-bar.module.css';

export type FilterValues = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

/** The current filters from the URL. */
export function useFilters(): FilterValues {
  const sp = useSearchParams();
  return filterValues((k) => sp.get(k));
}

/** This page's address with some URL parameters replaced (empty = removed), keeping the others. */
export function useParamsHref(): (changes: Record<string, string | undefined>) => string {
  const sp = useSearchParams();
  const pathname = usePathname();
  return (changes) => {
    const next = new URLSearchParams(sp.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    return `${pathname}${next.size ? `?${next}` : ''}`;
  };
}

/** Replace some URL parameters (empty = remove), keeping the others. */
export function useSetParams(): (changes: Record<string, string | undefined>) => void {
  const router = useRouter();
  const href = useParamsHref();
  return (changes) => router.replace(href(changes), { scroll: false });
}

const DIMS = [
  { key: 'region', label: 'Region' },
  { key: 'practice', label: 'Practice' },
  { key: 'legal_entity', label: 'Legal entity' },
  { key: 'customer', label: 'Customer' },
] as const;

export function FilterBar({ options = {} }: { options?: Partial<Record<string, string[]>> }) {
  const filters = useFilters();
  const setParams = useSetParams();
  const [draft, setDraft] = useState<FilterValues>(filters);
  const key = JSON.stringify(filters);
  // eslint-disable-next-line react-hooks/set-state-in-effect
  useEffect(() => setDraft(JSON.parse(key) as FilterValues), [key]);

  const apply = (next: FilterValues) => setParams(Object.fromEntries(FILTER_KEYS.map((k) => [k, next[k]?.trim() || undefined])));
  const active = FILTER_KEYS.filter((k) => filters[k]).length;

  return (
    <form
      className={styles.bar}
      data-testid="filter-bar"
      onSubmit={(e) => {
        e.preventDefault();
        apply(draft);
      }}
    >
      <label className={styles.field}>
        <span>From</span>
        <input type="date" value={draft.from ?? ''} data-testid="filter-from" onChange={(e) => apply({ ...draft, from: e.target.value })} />
      </label>
      <label className={styles.field}>
        <span>To</span>
        <input type="date" value={draft.to ?? ''} data-testid="filter-to" onChange={(e) => apply({ ...draft, to: e.target.value })} />
      </label>
      {DIMS.map((d) => (
        <label key={d.key} className={styles.field}>
          <span>{d.label}</span>
          <input
            list={`filter-options-${d.key}`}
            value={draft[d.key] ?? ''}
            placeholder="All"
            data-testid={`filter-${d.key}`}
            onChange={(e) => setDraft({ ...draft, [d.key]: e.target.value })}
            onBlur={() => draft[d.key] !== filters[d.key] && apply(draft)}
          />
          <datalist id={`filter-options-${d.key}`}>
            {(options[d.key] ?? []).map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
        </label>
      ))}
      <label className={styles.field}>
        <span>Billing model</span>
        <select value={draft.billing_model ?? ''} data-testid="filter-billing_model" onChange={(e) => apply({ ...draft, billing_model: e.target.value })}>
          <option value="">All</option>
          {BILLING_MODELS.map((m) => (
            <option key={m} value={m}>
              {m.replaceAll('_', ' ')}
            </option>
          ))}
          <option value={NO_VALUE}>unknown (none given)</option>
        </select>
      </label>
      <div className={styles.actions}>
        <button type="submit" className={styles.apply}>Apply</button>
        {active > 0 && (
          <button type="button" className={styles.clear} data-testid="filter-clear" onClick={() => apply({})}>
            Clear {active}
          </button>
        )}
      </div>
    </form>
  );
}
