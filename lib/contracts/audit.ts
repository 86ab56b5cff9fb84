// The audit trail's row, shared by GET /api/audit, its query and the admin page.

import { z } from 'zod';

export const auditRowSchema = z.object({
  id: z.string(),
  at: z.string().transform((s) => (s.includes('T') ? s : `${s.replace(' ', 'T')}Z`)),
  actor_id: z.string(),
  actor_name: z.string(),
  actor_role: z.string(),
  via: z.string(),
  action: z.string(),
  target: z.string(),
  reason: z.string(),
  outcome: z.string(),
  details: z.string(),
  ip: z.string(),
});
export type AuditRow = z.infer<typeof auditRowSchema>;
