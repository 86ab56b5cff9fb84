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

/** The API's one error shape as an ApiRequestError; `listDetails`: its validation messages (a details array) added to the message. */
function requestError(status: number, body: unknown, listDetails = false): ApiRequestError {
  const error = (body as { error?: { message?: string; details?: unknown } } | null)?.error;
  const details = listDetails && Array.isArray(error?.details) ? `: ${error.details.join('; ')}` : '';
  return new ApiRequestError(status, `${error?.message ?? `request failed (${status})`}${details}`, error?.details);
}

export async function fetchJson<T>(url: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw requestError(res.status, body);
  return schema.parse(body);
}

/** A state-changing JSON request (csrf.ts's fetch wrapper adds the CSRF header); a refusal says what was invalid. */
export async function sendJson<T>(url: string, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', payload: unknown, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(payload) });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw requestError(res.status, body, true);
  return schema.parse(body);
}

/** Query string from defined, non-empty values. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}
