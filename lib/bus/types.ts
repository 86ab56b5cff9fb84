// The bus between collectors, the ingest writer and connectors. Two variants with one
// interface: NATS JetStream (NATS_URL set) and in-process (embedded default).

import type { CanonicalEvent } from '../events/schema';
import type { EventRow } from '../ingest/rows';
import type { EventTexts } from './texts';

export interface PublishResult {
  /** Events now durable (in JetStream, or written to ClickHouse when embedded). */
  accepted: number;
  /** Events dropped because their event_id was already accepted. */
  duplicates: number;
  /** Per input event, whether it was a duplicate (index-aligned with the input). */
  duplicateFlags: boolean[];
}

export interface PublishOptions {
  /**
   * Kept with the events for a consumer in this process, which receives it with them (the
   * NATS local handoff): not serialised, lost on a redelivery or a restart.
   */
  context?: unknown;
  /**
   * The JSON text each event was validated from (index-aligned). NATS publishes it as it
   * is instead of serialising the event again (a redelivered message is validated again,
   * to the same events); the in-process bus sizes the write buffer's share by it.
   */
  json?: readonly string[];
}

export interface RowsOptions {
  /** As PublishOptions.context. */
  context?: unknown;
  /**
   * When Cashtrace received the events: the rows' received_at for events that carry none.
   * A NATS message carries it in a header, so a consumer that decodes the message instead
   * of taking the rows makes the same rows.
   */
  receivedAt: string;
}

export interface BusCommand {
  subject: string;
  /** Idempotency: the same id is delivered at most once within the dedup window. */
  id: string;
  payload: unknown;
}

export type Unsubscribe = () => Promise<void>;

export interface Bus {
  readonly kind: 'embedded' | 'nats';
  /** Makes validated canonical events durable; resolves only once they are. */
  publishEvents(events: CanonicalEvent[], opts?: PublishOptions): Promise<PublishResult>;
  /**
   * Validated events as the rows the ingest writer stores (lib/ingest/rows), made as each
   * event was validated, so the pipeline holds no parsed event past its validation; with
   * the JSON text of each event (index-aligned: for a request body, its lines' bytes),
   * which NATS publishes (the in-process bus needs only the rows: null).
   */
  publishRows(rows: EventRow[], texts: EventTexts | null, opts: RowsOptions): Promise<PublishResult>;
  /**
   * Of these event IDs, those this process published that are durable on the bus but not
   * yet known stored (NATS: lib/bus/published-ids); the embedded bus stores before it answers.
   */
  heldInStream?(ids: Iterable<string>): Set<string>;
  /** Sends a command to connectors (actions: re-sync, retry, replay). */
  publishCommand(cmd: BusCommand): Promise<void>;
  /** Receives commands whose subject matches `filter` (NATS wildcards: `*`, `>`). */
  subscribeCommands(name: string, filter: string, handler: (cmd: BusCommand) => Promise<void>): Promise<Unsubscribe>;
  /** Health of the bus itself; `warning`: up, but with less to spare (a JetStream stream with a copy behind or lost). */
  health(): Promise<{ ok: boolean; detail: string; warning?: string }>;
  close(): Promise<void>;
}

/** Subject names, one place. `prefix` defaults to `cashtrace`. */
export function subjects(prefix: string) {
  return {
    ingestAll: `${prefix}.ingest.>`,
    /** Batches published by Cashtrace's own collectors (already validated). */
    ingestBatch: `${prefix}.ingest.batch`,
    commandsAll: `${prefix}.cmd.>`,
    command: (target: string, kind: string) => `${prefix}.cmd.${target}.${kind}`,
    streamIngest: `${prefix.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_INGEST`,
    streamCommands: `${prefix.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_COMMANDS`,
    writerConsumer: `${prefix}-ingest-writer`,
  };
}

/** NATS subject wildcard match. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}
