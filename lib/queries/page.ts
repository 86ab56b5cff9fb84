// Offset pagination for the integration lists (dead letters, orphans, flow failures):
// a page size and an opaque cursor holding the next offset. One extra row is fetched
// to know whether another page follows. A cursor that does not decode is a 400.

import { z } from 'zod';

const offsetCursor = z
  .string()
  .max(40)
  .transform((c, ctx) => {
    try {
      const o = (JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as { o?: unknown }).o;
      if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && o <= 1e9) return o;
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a cursor returned by a previous page' });
    return z.NEVER;
  });

export const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(40).optional(),
});
export type Page = z.infer<typeof pageSchema>;

export function pageOffset(p: Page): number {
  return p.cursor ? offsetCursor.parse(p.cursor) : 0;
}

/** Cuts the extra row off and returns the next page's cursor (null after the last page). */
export function pageOf<T>(rows: T[], p: Page): { items: T[]; next_cursor: string | null } {
  const more = rows.length > p.limit;
  const next = Buffer.from(JSON.stringify({ o: pageOffset(p) + p.limit })).toString('base64url');
  return { items: more ? rows.slice(0, p.limit) : rows, next_cursor: more ? next : null };
}
