// Loads the hand-built book through the real ingest writer, batch by batch, in delivery order.

import type { Store } from '../clickhouse/client';
import { IngestWriter } from '../ingest/writer';
import { fixtureBatches } from './q2c-fixture';

export async function loadFixture(store: Store): Promise<{ inserted: number; duplicates: number }> {
  const writer = await IngestWriter.open(store);
  let inserted = 0;
  let duplicates = 0;
  for (const batch of fixtureBatches()) {
    const r = await writer.write(batch);
    inserted += r.inserted;
    duplicates += r.duplicates;
  }
  // Stale copies left by stitch moves are deleted in the background: queries see the final state.
  await writer.settled();
  return { inserted, duplicates };
}
