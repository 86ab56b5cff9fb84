// Client-side GET of a JSON endpoint, validated with the route's shared zod contract;
// the API's one error shape becomes an Error carrying its message and status.

import type { z } from 'zod';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The error's `details`, where the API gave some. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export async function fetchJson<T>(url: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as { error?: { message?: string; details?: unknown } } | null)?.error;
    throw new ApiRequestError(res.status, error?.message ?? `request failed (${res.status})`, error?.details);
  }
  return schema.parse(body);
}

/** Query string from defined, non-empty values. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}
