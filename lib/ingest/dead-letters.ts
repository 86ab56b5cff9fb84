// Dead letters: input that could not be accepted, kept with the reason and the raw
// bytes so IT can inspect and replay it. Nothing rejected is silently dropped.

import type { Store } from '../clickhouse/client';
import { chTime } from './rows';

export interface DeadLetter {
  collector: string;
  reason: string;
  errors: string[];
  event_id?: string;
  content_type?: string;
  raw: string;
}

const MAX_RAW = 1024 * 1024;

export async function recordDeadLetters(store: Store, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  const now = chTime(new Date().toISOString());
  const body = letters
    .map((l) =>
      JSON.stringify({
        received_at: now,
        collector: l.collector,
        reason: l.reason,
        errors: l.errors.slice(0, 50),
        event_id: l.event_id ?? '',
        content_type: l.content_type ?? '',
        raw: l.raw.length > MAX_RAW ? l.raw.slice(0, MAX_RAW) : l.raw,
      }),
    )
    .join('\n');
  await store.insertJsonEachRow('dead_letters', body);
}
