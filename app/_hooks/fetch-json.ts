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

/** What a refusal's `details` says was invalid: the route's validation messages (an array) or a policy's `issues`; undefined when none. */
export function validationMessages(details: unknown): string[] | undefined {
  const list = Array.isArray(details) ? details : (details as { issues?: unknown } | null | undefined)?.issues;
  return Array.isArray(list) && list.length > 0 ? list.map(String) : undefined;
}

/**
 * The API's one error shape as an ApiRequestError; `listDetails`: its validation messages (a
 * details array, or an object's `issues` array) added to the message.
 */
function requestError(status: number, body: unknown, listDetails = false): ApiRequestError {
  const error = (body as { error?: { message?: string; details?: unknown } } | null)?.error;
  const list = listDetails ? validationMessages(error?.details) : undefined;
  const details = list ? `: ${list.join('; ')}` : '';
  return new ApiRequestError(status, `${error?.message ?? `request failed (${status})`}${details}`, error?.details);
}

/** One request to a JSON endpoint: the answer validated with `schema`, a refusal thrown as an ApiRequestError. */
async function requestJson<T>(url: string, schema: z.ZodType<T>, init: RequestInit, listDetails: boolean): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(url, { cache: 'no-store', ...init, headers });
  const body: unknown = await res.json().catch(() => null);
  // a read refused for its parameters (a URL edited by hand: to=2026-02-30) says which, as a write does
  if (!res.ok) throw requestError(res.status, body, listDetails || res.status === 400);
  return schema.parse(body);
}

export function fetchJson<T>(url: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  return requestJson(url, schema, { signal }, false);
}

/**
 * A state-changing request (csrf.ts's fetch wrapper adds the CSRF header) with `payload` as its
 * JSON body (none when undefined); a refusal says what was invalid.
 */
export function sendJson<T>(url: string, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', payload: unknown, schema: z.ZodType<T>): Promise<T> {
  return requestJson(url, schema, { method, body: payload === undefined ? undefined : JSON.stringify(payload) }, true);
}

/** Query string from defined, non-empty values. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}
