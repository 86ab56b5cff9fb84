// GET /api/audit?from&to&actor&action&outcome&target&limit[&format=csv]: the audit trail.
// Read-only: there is no route that edits or deletes it.

import { route } from '@/lib/http/route';
import { csvResponse } from '@/lib/http/csv';
import { AUDIT_COLUMNS, auditQuerySchema, getAuditLog } from '@/lib/queries/get-audit-log';

export const dynamic = 'force-dynamic';

export const GET = route({ permission: 'audit:read', query: auditQuerySchema }, async ({ rt, query }) => {
  const rows = await getAuditLog(rt.store, query);
  if (query.format === 'csv') return csvResponse(`cashtrace-audit-${new Date().toISOString().slice(0, 10)}.csv`, AUDIT_COLUMNS, rows);
  return { entries: rows };
});
