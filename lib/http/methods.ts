// The methods a route does not serve. Next.js answers them with an empty 405 and no
// `Allow` header; a client reading the API's JSON gets nothing to act on. Each route module
// exports the methods it does not serve from here:
//
//   export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
//
// a 405 in the one error shape, naming the method and the ones served, with `Allow` (as
// Next.js's own OPTIONS answer lists them). No credentials are asked for: nothing is done,
// and OPTIONS already tells anyone the same. app/api/methods.test.ts checks that every
// route module answers all five methods.

import { errorResponse, errors } from './errors';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
type Handler = (req: Request) => Promise<Response>;

/** The `Allow` header of a route serving `served` (HEAD comes with GET, OPTIONS always). */
export function allowHeader(served: readonly HttpMethod[]): string {
  const all = new Set<string>([...served, 'OPTIONS']);
  if (all.has('GET')) all.add('HEAD');
  return [...all].sort().join(', ');
}

export function notAllowed<S extends HttpMethod>(...served: S[]): Record<Exclude<HttpMethod, S>, Handler> {
  const allow = allowHeader(served);
  const handler: Handler = async (req) =>
    errorResponse(errors.methodNotAllowed(`${req.method} is not served at ${new URL(req.url).pathname.slice(0, 200)}; it serves ${allow}`, allow));
  return Object.fromEntries(HTTP_METHODS.filter((m) => !(served as readonly HttpMethod[]).includes(m)).map((m) => [m, handler])) as Record<Exclude<HttpMethod, S>, Handler>;
}
