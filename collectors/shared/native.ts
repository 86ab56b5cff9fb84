// The shape senders produce (a vendor's native signed webhook request) and helpers to
// turn one into a Request, so tests, the simulator and the bench drive the real routes.

import type { CanonicalEvent } from '@/lib/events/schema';

export interface NativeRequest {
  path: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface SenderOptions {
  secret?: string;
  token?: string;
  now?: Date;
  /** Origin the signature covers when the vendor signs the URL (HubSpot v3). */
  baseUrl?: string;
}

export type Sender = (events: CanonicalEvent[], opts: SenderOptions) => NativeRequest[];

export function toRequest(n: NativeRequest, baseUrl = 'http://localhost'): Request {
  return new Request(new URL(n.path, baseUrl), {
    method: n.method,
    headers: n.headers,
    body: typeof n.body === 'string' ? n.body : new Uint8Array(n.body),
  });
}

/** First entity key in refs with this source and entity type, as its id. */
export function refId(e: Pick<CanonicalEvent, 'refs'>, source: string, entityType: string): string | undefined {
  const prefix = `${source}:${entityType}:`;
  const r = e.refs.find((k) => k.startsWith(prefix));
  return r ? r.slice(prefix.length) : undefined;
}

/** Splits a list into chunks (vendors batch up to a limit per delivery). */
export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
