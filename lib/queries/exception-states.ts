// Seam to the exception workflow (acknowledged / assigned / snoozed / resolved), which the
// actions work stores keyed by the stuck item id `${rule}:${entity_key}`. Until its table
// exists every item reads as 'open'.

import type { Store } from '../clickhouse/client';

export async function getExceptionStates(_store: Store, _ids: string[]): Promise<Map<string, string>> {
  return new Map();
}
