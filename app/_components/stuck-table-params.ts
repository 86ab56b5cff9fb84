// A stuck table's request (its react-query key and the API's parameters), shared by the
// table (app/_components/stuck-table.tsx) and the pages that compute its first page while
// they render (app/(dashboard)/_components/first-data.ts): one definition, so the server's
// entry has exactly the key the table asks for.
import type { StuckRuleName } from '@/lib/stuck/rules';

export type StuckSort = 'value' | 'late' | 'since' | 'customer';

export interface StuckTableState {
  q?: string;
  /** A username, or UNASSIGNED (lib/contracts/actions.ts); '' or undefined: anyone. */
  assignee?: string;
  /** One of EXCEPTION_STATE_FILTERS (lib/contracts/actions.ts); '' or undefined: any. */
  state?: string;
  sort: StuckSort;
  dir: 'asc' | 'desc';
}

/** Rows per page unless a table says otherwise. */
export const STUCK_PAGE_SIZE = 20;

/** What a table shows first: most money at risk first, no search, the first page. */
export const FIRST_PAGE: StuckTableState = { sort: 'value', dir: 'desc' };

/** In the key's order: filters, rule(s), q, assignee, state, sort, dir, limit (the table appends its page's cursor). */
export function stuckTableParams(filters: Partial<Record<string, string>>, rules: StuckRuleName[], pageSize: number, s: StuckTableState = FIRST_PAGE) {
  const ruleParam = rules.length === 1 ? { rule: rules[0] } : { rules: rules.join(',') };
  return { ...filters, ...ruleParam, q: s.q || undefined, assignee: s.assignee || undefined, state: s.state || undefined, sort: s.sort, dir: s.dir, limit: pageSize };
}
