// GET /api/alerts: open alert incidents and recent delivery attempts (admin).

import { route } from '@/lib/http/route';
import { getAlertActivity } from '@/lib/queries/get-alert-activity';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'admin' }, async ({ rt }) => getAlertActivity(rt.store));

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
