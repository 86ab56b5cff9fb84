// The ingest worker's NATS side: pulls messages from the ingest stream into the write
// buffer and acks each only after its rows are in ClickHouse. Cashtrace's own batches
// arrive validated; canonical events that in-house services publish straight onto
// `cashtrace.ingest.<anything>` are validated here, the invalid ones dead-lettered.

import type { JsMsg } from '@nats-io/jetstream';
import type { Store } from '../clickhouse/client';
import type { NatsBus } from '../bus/nats';
import { decodeIngestMessage, RECEIVED_AT_HEADER } from '../bus/nats';
import { normalIso } from '../events/fast-validate';
import { validateEvents } from '../events/schema';
import type { Batcher } from './batcher';
import { eventRows, type EventRow } from './rows';
import { invalidEventLetter, recordDeadLetters } from './dead-letters';
import { metrics } from '../observability/metrics';

export async function startNatsIngestConsumer(bus: NatsBus, batcher: Batcher<EventRow, boolean, unknown>, store: Store): Promise<() => Promise<void>> {
  return bus.consumeIngest(async (m: JsMsg) => {
    // Published by this process: the events it validated before publishing, not decoded
    // again, with the pre-check's answer (the writer does not look them up again).
    const local = await bus.takeLocalEvents(m);
    metrics().busMessages.inc(1, { via: local ? 'local' : 'decoded' });
    // returned, not awaited: this frame would hold the events while the insert runs
    if (local) return added(batcher.add(local.rows, local.bytes, local.context));
    // the consumer is headers-only: another publisher's message (or one redelivered after a
    // restart) is read from the stream; a failure here naks it for redelivery
    const data = await bus.messageData(m);
    let decoded: unknown;
    try {
      decoded = decodeIngestMessage(data);
    } catch (err) {
      await recordDeadLetters(store, [{ collector: `nats:${m.subject}`, reason: 'malformed_json', errors: [(err as Error).message], raw: new TextDecoder().decode(data) }]);
      metrics().eventsRejected.inc();
      return;
    }
    const items = Array.isArray(decoded) ? decoded : [decoded];
    const { valid, rejected } = validateEvents(items);
    if (m.subject !== bus.names.ingestBatch) {
      metrics().eventsReceived.inc(items.length);
      if (rejected.length > 0) {
        metrics().eventsRejected.inc(rejected.length);
        await recordDeadLetters(
          store,
          rejected.map((r) => invalidEventLetter(`nats:${m.subject}`, items[r.index], r.errors, JSON.stringify(items[r.index]) ?? '')),
        );
      }
      metrics().eventsAccepted.inc(valid.length);
    }
    // Received when the publisher says (Cashtrace's own batches: the rows are then the ones
    // its handoff would have given), else now.
    const stamped = m.headers?.get(RECEIVED_AT_HEADER);
    const receivedAt = (stamped && normalIso(stamped)) || new Date().toISOString();
    return added(batcher.add(eventRows(valid.map((v) => v.event), receivedAt), data.length));
  });
}

function added(p: Promise<unknown>): Promise<void> {
  return p.then(() => undefined);
}
