// GET /api/audit?from&to&actor&action&outcome&target&limit[&format=csv]: the audit trail
// (format=csv: every entry the filters match, whatever the limit).
// Read-only: there is no route that edits or deletes it.

import { route } from '@/lib/http/route';
import { CSV_LIST_MAX_ROWS, csvResponse, wholeList } from '@/lib/http/csv';
import { AUDIT_COLUMNS, auditQuerySchema, getAuditLog } from '@/lib/queries/get-audit-log';
import { notAllowed } from '@/lib/http/methods';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'audit:read', query: auditQuerySchema }, async ({ rt, query }) => {
  if (query.format === 'csv') {
    const rows = wholeList(await getAuditLog(rt.store, { ...query, limit: CSV_LIST_MAX_ROWS + 1 }));
    return csvResponse(`cashtrace-audit-${new Date().toISOString().slice(0, 10)}.csv`, AUDIT_COLUMNS, rows);
  }
  const rows = await getAuditLog(rt.store, query);
  return { entries: rows };
});

export const { POST, PUT, PATCH, DELETE } = notAllowed('GET');
