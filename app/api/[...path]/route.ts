// Any /api path no endpoint serves: a JSON 404 in the API's one error shape (Next.js would
// answer its HTML "page not found", which an integration reading JSON cannot use). Routes
// that exist always match first; a catch-all is the last resort. Signed-in callers only,
// as every other route: without credentials it is a 401, and no path's existence is told.

import { route } from '@/lib/http/route';
import { errors } from '@/lib/http/errors';

export const dynamic = 'force-dynamic';

async function notFound({ req }: { req: Request }): Promise<never> {
  throw errors.notFound(`no API endpoint ${req.method} ${new URL(req.url).pathname.slice(0, 200)} (endpoints: README.md ▸ Operations endpoints, docs/integrations-api.md)`);
}

export const GET = route<Record<string, never>, { path: string[] }>({ permission: null }, notFound);
export const POST = route<Record<string, never>, { path: string[] }>({ permission: null }, notFound);
export const PUT = route<Record<string, never>, { path: string[] }>({ permission: null }, notFound);
export const PATCH = route<Record<string, never>, { path: string[] }>({ permission: null }, notFound);
export const DELETE = route<Record<string, never>, { path: string[] }>({ permission: null }, notFound);
