// GET /api/audit?from&to&actor&action&outcome&target&limit&cursor[&format=csv]: the audit trail,
// newest first, a page at a time ({entries, next_cursor})
// (format=csv: every entry the filters match, whatever the limit, streamed a page at a time).
// Read-only: there is no route that edits or deletes it.

import { route } from '@/lib/http/route';
import { csvResponse, everyPage } from '@/lib/http/csv';
import { AUDIT_COLUMNS, auditQuerySchema, getAuditPage } from '@/lib/queries/get-audit-log';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'audit:read', query: auditQuerySchema }, async ({ rt, query }) => {
  if (query.format === 'csv') {
    const rows = everyPage(async (cursor, limit) => {
      const p = await getAuditPage(rt.store, { ...query, limit, cursor });
      return { rows: p.entries, next: p.next_cursor };
    }, (e) => e.id);
    return csvResponse(`cashtrace-audit-${new Date().toISOString().slice(0, 10)}.csv`, AUDIT_COLUMNS, rows);
  }
  return getAuditPage(rt.store, query);
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
