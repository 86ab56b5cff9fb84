import { describe, expect, it } from 'vitest';
import { metrics } from './metrics';
import { ingestProcessStats } from './ingest-stats';

describe('ingestProcessStats', () => {
  it('reports means and bucket bounds of this process registry', () => {
    expect(ingestProcessStats(false)).toMatchObject({ ingest_worker: false, batches: 0, batch_rows_mean: null, insert_ms_p95_le: null });
    const m = metrics();
    // 20 batches: 19 of 800 rows (≤ 1000 bucket) and one of 30k rows (≤ 50000 bucket).
    for (let i = 0; i < 19; i++) {
      m.batchSize.observe(800);
      m.insertSeconds.observe(0.02);
    }
    m.batchSize.observe(30_000);
    m.insertSeconds.observe(0.4);
    const s = ingestProcessStats(true);
    expect(s.batches).toBe(20);
    expect(s.batch_rows_mean).toBe((19 * 800 + 30_000) / 20);
    expect(s.batch_rows_p95_le).toBe(1000);
    expect(s.insert_ms_mean).toBeCloseTo(((19 * 0.02 + 0.4) / 20) * 1000, 9);
    expect(s.insert_ms_p95_le).toBe(50);
    m.batchSize.observe(30_000);
    expect(ingestProcessStats(true).batch_rows_p95_le).toBe(50_000);
  });
});
