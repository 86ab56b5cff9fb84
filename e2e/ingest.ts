// Events sent as a collector sends them: POST /api/ingest/events with the run's ingest token,
// expected accepted (202; the answer's body in the failure's message otherwise).

import { expect, type APIRequestContext } from '@playwright/test';
import { E2E_INGEST_TOKEN } from './env';

export async function ingestAccepted(request: APIRequestContext, events: readonly unknown[]): Promise<void> {
  const res = await request.post('/api/ingest/events', { headers: { authorization: `Bearer ${E2E_INGEST_TOKEN}` }, data: events });
  if (res.status() !== 202) expect(res.status(), `POST /api/ingest/events answered: ${await res.text()}`).toBe(202);
}
