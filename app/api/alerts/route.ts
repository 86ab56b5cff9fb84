// GET /api/alerts: open alert incidents and recent delivery attempts (admin).

import { route } from '@/lib/http/route';
import { getAlertActivity } from '@/lib/queries/get-alert-activity';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'admin' }, async ({ rt }) => getAlertActivity(rt.store));
