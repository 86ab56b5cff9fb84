// The embedded bus: events go straight into the shared write buffer (durable once the
// ClickHouse insert returns); commands are delivered to in-process subscribers.

import type { CanonicalEvent } from '../events/schema';
import { eventRows, type EventRow } from '../ingest/rows';
import type { Bus, BusCommand, PublishResult, Unsubscribe } from './types';
import { subjectMatches } from './types';

export type WriteRows = (rows: EventRow[]) => Promise<{ duplicateFlags: boolean[] }>;

export function createInProcessBus(write: WriteRows): Bus {
  const subs = new Map<number, { filter: string; handler: (c: BusCommand) => Promise<void> }>();
  const seenCommands = new Map<string, number>();
  let next = 1;
  // Not async, and the continuation keeps only the count: the rows are not held here while
  // the insert runs (lib/ingest/rows).
  const publishRows = (rows: EventRow[]): Promise<PublishResult> => {
    const n = rows.length;
    return write(rows).then(({ duplicateFlags }) => {
      const duplicates = duplicateFlags.filter(Boolean).length;
      return { accepted: n - duplicates, duplicates, duplicateFlags };
    });
  };
  return {
    kind: 'embedded',
    publishEvents: (events: CanonicalEvent[]) => publishRows(eventRows(events)),
    publishRows,
    async publishCommand(cmd: BusCommand): Promise<void> {
      // Same dedup promise as JetStream's window (2 minutes).
      const now = Date.now();
      for (const [k, t] of seenCommands) if (now - t > 120_000) seenCommands.delete(k);
      if (seenCommands.has(cmd.id)) return;
      seenCommands.set(cmd.id, now);
      for (const s of subs.values()) {
        if (subjectMatches(s.filter, cmd.subject)) {
          // Delivered asynchronously, like a bus: the publisher does not wait for the connector.
          setImmediate(() => {
            s.handler(cmd).catch((err) => console.error(`[bus] command handler for ${cmd.subject} failed:`, err));
          });
        }
      }
    },
    async subscribeCommands(_name, filter, handler): Promise<Unsubscribe> {
      const id = next++;
      subs.set(id, { filter, handler });
      return async () => {
        subs.delete(id);
      };
    },
    async health() {
      return { ok: true, detail: 'events go straight to the ingest writer in this process (NATS_URL: JetStream)' };
    },
    async close() {
      subs.clear();
    },
  };
}
