// One error shape for every API response: {"error": {"code", "message", "details"?}}.

import { NextResponse } from 'next/server';
import { z } from 'zod';
import { formatZodIssues } from '../events/schema';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const errors = {
  badRequest: (message: string, details?: unknown) => new ApiError(400, 'bad_request', message, details),
  unauthorized: (message = 'missing or invalid credentials') => new ApiError(401, 'unauthorized', message),
  forbidden: (message = 'your role may not do this') => new ApiError(403, 'forbidden', message),
  notFound: (message = 'not found') => new ApiError(404, 'not_found', message),
  methodNotAllowed: (message: string, allow: string) => new ApiError(405, 'method_not_allowed', message, undefined, { Allow: allow }),
  conflict: (message: string) => new ApiError(409, 'conflict', message),
  tooLarge: (limit: number) => new ApiError(413, 'payload_too_large', `request body exceeds ${limit} bytes`),
  unsupportedMediaType: (message: string) => new ApiError(415, 'unsupported_media_type', message),
  tooManyRequests: (retryAfterS: number) =>
    new ApiError(429, 'too_many_requests', 'too many attempts; try again later', undefined, { 'Retry-After': String(retryAfterS) }),
  unavailable: (message: string, retryAfterS?: number) => new ApiError(503, 'unavailable', message, undefined, retryAfterS ? { 'Retry-After': String(retryAfterS) } : undefined),
};

export function errorResponse(err: unknown): NextResponse {
  if (err instanceof ApiError) {
    return NextResponse.json(
      { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } },
      { status: err.status, headers: err.headers },
    );
  }
  if (err instanceof z.ZodError) {
    return NextResponse.json(
      { error: { code: 'bad_request', message: 'invalid parameters', details: formatZodIssues(err) } },
      { status: 400 },
    );
  }
  console.error('[api] unexpected error:', err);
  return NextResponse.json({ error: { code: 'internal', message: 'internal error' } }, { status: 500 });
}
