// A server takes a statement's query parameters in the request's URL: each parameter at
// most 128 KiB as sent, encoded (http_max_field_value_size; "HTML Form Exception: Field
// value too long"), the whole URL at most 1 MiB (http_max_uri_size), by default.
// Statements that name thousands of IDs go in parts there. Found by the server-mode tests
// (lib/testing/test-clickhouse: the 128 KiB limit only once they ran on ClickHouse's own
// HTTP interface); an embedded store has no URL.

import type { StoreKind } from './client';

/**
 * URL bytes a statement's IDs may take on a server: within one parameter's limit (128 KiB),
 * with room to spare, so two lists of a statement also stay far below the URL's 1 MiB.
 */
export const SERVER_PARAM_BYTES = 120 * 1024;

/** An ID's share of a URL: encoded, quoted, with its separator (%27…%27%2C). */
export function urlBytes(id: string): number {
  return encodeURIComponent(id).length + 9;
}

/**
 * `count` items in consecutive index ranges [start, end): at most `maxItems` each and, to a
 * server, IDs of at most SERVER_PARAM_BYTES (`bytesOf(i)`: item i's, see urlBytes). A range
 * holds at least one item, however large.
 */
export function urlRanges(kind: StoreKind, count: number, bytesOf: (i: number) => number, maxItems = Infinity): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const size = kind === 'server' ? bytesOf(i) : 0;
    if (i > start && (i - start >= maxItems || bytes + size > SERVER_PARAM_BYTES)) {
      ranges.push([start, i]);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (count > start) ranges.push([start, count]);
  return ranges;
}

/** Calls `each` with consecutive parts of `ids`, in turn: to a server, parts its URL takes (urlRanges). */
export async function inIdParts(kind: StoreKind, ids: readonly string[], each: (part: string[]) => Promise<void>, maxItems = Infinity): Promise<void> {
  for (const [start, end] of urlRanges(kind, ids.length, (i) => urlBytes(ids[i]), maxItems)) await each(ids.slice(start, end));
}
