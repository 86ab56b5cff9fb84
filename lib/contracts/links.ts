// Request and response of POST /api/links (a link correction by hand), shared by the route
// handler and the client's link-correction controls.

import { z } from 'zod';
import { entityKeySchema } from '../events/entity-key';

export const linkCorrectionSchema = z.object({
  kind: z.enum(['merge', 'split']),
  a: entityKeySchema,
  b: entityKeySchema,
  reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500),
});
export type LinkCorrection = z.infer<typeof linkCorrectionSchema>;

/** Each record's deal before and after ('' for an orphan), and the deals the correction left. */
export const linkCorrectionResultSchema = z.object({
  kind: z.enum(['merge', 'split']),
  before: z.object({ a: z.string(), b: z.string() }),
  after: z.object({ a: z.string(), b: z.string() }),
  deals: z.array(z.string()),
});
export type LinkCorrectionResult = z.infer<typeof linkCorrectionResultSchema>;
