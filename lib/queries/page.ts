// Offset pagination for the integration lists (dead letters, orphans, flow failures):
// a page size and an opaque cursor (lib/queries/cursor.ts) holding the next offset.
// One extra row is fetched to know whether another page follows.

import { z } from 'zod';
import { decodeCursor, encodeCursor } from './cursor';

export const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type Page = z.infer<typeof pageSchema>;

const offsetCursor = z.tuple([z.number().int().min(0).max(1e9)]);

export function pageOffset(p: Page): number {
  return p.cursor ? decodeCursor(p.cursor, offsetCursor)[0] : 0;
}

/** Cuts the extra row off and returns the next page's cursor (null after the last page). */
export function pageOf<T>(rows: T[], p: Page): { items: T[]; next_cursor: string | null } {
  const more = rows.length > p.limit;
  return { items: more ? rows.slice(0, p.limit) : rows, next_cursor: more ? encodeCursor([pageOffset(p) + p.limit]) : null };
}
