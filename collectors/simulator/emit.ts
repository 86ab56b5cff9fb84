// One deal's event builder: turns a business fact (type, record, refs, money, time)
// into a canonical event with a stable event_id, the deal's dimensions, and a delivery
// time (transport lag, sometimes late, sometimes delivered twice). Also keeps the ledger
// of the failures injected into the deal, which tests use as the answer key.

import type { CanonicalEvent } from '../../lib/events/schema';
import type { CatalogueType, Source } from '../../lib/events/catalogue';
import { entityKey } from '../../lib/events/entity-key';
import { STUCK_RULE_NAMES, type StuckRuleName } from '../../lib/stuck/rules';
import { iso } from './calendar';
import { Rng, stableHex } from './prng';
import type { Customer, LegalEntity } from './world';

/** The stuck rules of DOMAIN.md §5 (lib/stuck owns the list). */
export const STUCK_RULES = STUCK_RULE_NAMES;
export type StuckRule = StuckRuleName;

/** Other deliberate imperfections, for the answer key and the tests. */
export type Anomaly =
  | 'late-delivery'
  | 'out-of-order'
  | 'duplicate'
  | 'sync-recovered'
  | 'amount-mismatch'
  | 'credit-integration-error'
  | 'dispute'
  | 'late-step'
  | 'payment-late'
  | 'payment-failed'
  /** Sent malformed (a mapping defect), rejected into the dead letters, never sent again: waits for IT's replay. */
  | 'malformed'
  /** Sent malformed, rejected, then sent again corrected by the source (same event_id, or a new one: SimEvent.resentAs). */
  | 'malformed-resent';

/**
 * Mapping defects of an integration hub's export, each rejected by validation and fixed by
 * a replay with one field mapped (DOMAIN.md §10): an amount formatted as text
 * ("416,200.00"), a currency code in lower case, a timestamp in the local day/month format.
 */
export type Defect = 'amount-text' | 'currency-case' | 'local-date';

export interface Fault {
  kind: StuckRule | Anomaly;
  /** Entity key of the record the fault is about (the one waiting for its next event). */
  key: string;
  at: number;
}

export interface SimEvent {
  event: CanonicalEvent;
  /** When the source delivers it to Cashtrace (epoch ms); the sender waits until then. */
  deliverAt: number;
  /** A redelivery of an event already emitted (same event_id). */
  redelivery?: boolean;
  /**
   * A delivery the source got wrong: what is sent is `event` with this defect
   * (malformedBody), which ingest rejects into the dead letters. The event counts as
   * delivered only if the source sends it again (a later delivery, not malformed).
   */
  malformed?: Defect;
  /**
   * A malformed attempt its source sent again corrected under a new event ID (a source that
   * hashes its payload): that ID. The dead letter is then stored since by its record and
   * type, not by its ID, and a replay of it is refused unless forced (it would store the
   * event twice).
   */
  resentAs?: string;
}

/** The first valid delivery of an event: neither a redelivery nor a malformed attempt. */
export const isDelivery = (se: SimEvent): boolean => !se.redelivery && !se.malformed;

export interface DealDims {
  customer: Customer;
  legalEntity: LegalEntity;
  practice: string;
  owner: string;
  billingModel: string;
}

export interface EmitSpec {
  type: CatalogueType;
  source: Source;
  instance?: string;
  entityType: string;
  entityId: string;
  at: number;
  refs?: string[];
  amount?: number | null;
  status?: string;
  dueAt?: number;
  periodEnd?: number;
  attrs?: Record<string, string>;
  traceId?: string;
  spanId?: string;
  /** Extra native-looking fields kept in the payload (audit and replay). */
  payload?: Record<string, unknown>;
}

/** Transport lag per source, in seconds (ERPs are polled; webhooks are quick). */
const LAG: Record<string, [number, number]> = {
  crm: [2, 60],
  cpq: [2, 60],
  clm: [5, 120],
  psa: [10, 300],
  erp: [30, 900],
  payments: [1, 30],
  middleware: [0.2, 5],
  billing: [30, 600],
  hcm: [60, 600],
};

export const DELIVERY_RATES = { late: 0.015, duplicate: 0.015 };

/**
 * Malformed deliveries: per event of the systems behind the integration hub's mappings
 * (ERP, PSA, payments), scaled by the deal's risk; `resent`: the share its source sends
 * again corrected (its mapping fixed) hours to two days later, the rest wait for a replay;
 * `newId`: the share of those sent again under a new event ID.
 */
export const MALFORMED_RATES = { malformed: 0.002, resent: 0.6, newId: 0.3 };
const MALFORMED_SOURCES: ReadonlySet<string> = new Set(['erp', 'psa', 'payments']);

const thousands = (n: number): string => {
  const [int, frac] = Math.abs(n).toFixed(2).split('.');
  return `${n < 0 ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
};
const two = (n: number) => String(n).padStart(2, '0');

/** The field a defect breaks: a replay that maps it to the event's value is accepted. */
export const DEFECT_FIELD: Record<Defect, 'amount' | 'currency' | 'occurred_at'> = {
  'amount-text': 'amount',
  'currency-case': 'currency',
  'local-date': 'occurred_at',
};

/** What the source sent for a malformed delivery: the event with its defect. */
export function malformedBody(e: CanonicalEvent, defect: Defect): Record<string, unknown> {
  switch (defect) {
    case 'amount-text':
      return { ...e, amount: thousands(e.amount ?? 0) };
    case 'currency-case':
      return { ...e, currency: e.currency.toLowerCase() };
    case 'local-date': {
      const d = new Date(e.occurred_at);
      return { ...e, occurred_at: `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}` };
    }
  }
}

export class DealContext {
  readonly events: SimEvent[] = [];
  readonly faults: Fault[] = [];
  private n = 0;
  /** Per-deal id prefix: event ids are prefix + sequence (unique, stable, cheap). */
  private readonly idPrefix: string;
  private readonly transport: Rng;
  /** Its own stream, so that malformed deliveries change no other draw of the deal. */
  private readonly defects: Rng;
  private readonly dimAttrs: Record<string, string>;
  /**
   * How failure-prone this deal's operations are (1 = the firm's average). Problems cluster
   * in a minority of deals, entities and flows, as in a real firm, instead of uniform noise.
   */
  risk = 1;

  constructor(
    readonly seed: number,
    readonly index: number,
    readonly dims: DealDims,
    readonly rng: Rng,
    /** The deal's business number (OPP-<number>, SO-<number>, INV-<number>-k …). */
    readonly number: number = 100000 + index,
  ) {
    this.transport = new Rng(`transport:${seed}:${index}`);
    this.defects = new Rng(`defect:${seed}:${index}`);
    this.idPrefix = stableHex(`${seed}:${index}`, 14);
    this.dimAttrs = {
      customer: dims.customer.name,
      region: dims.legalEntity.region,
      practice: dims.practice,
      legal_entity: dims.legalEntity.code,
      billing_model: dims.billingModel,
      currency: dims.legalEntity.currency,
    };
  }

  get currency(): string {
    return this.dims.legalEntity.currency;
  }

  get off(): number {
    return this.dims.legalEntity.utcOffset;
  }

  /** A failure with base probability p, scaled by this deal's risk. */
  fails(p: number): boolean {
    return this.rng.chance(Math.min(0.95, p * this.risk));
  }

  fault(kind: Fault['kind'], key: string, at: number): void {
    this.faults.push({ kind, key, at });
  }

  /** A short id unique within the run (deterministic). */
  uid(tag: string, length = 10): string {
    return stableHex(`${this.seed}:${this.index}:${tag}`, length);
  }

  emit(s: EmitSpec): CanonicalEvent {
    this.n += 1;
    const event: CanonicalEvent = {
      event_id: `evt_${s.source}_${this.idPrefix}${this.n.toString(16).padStart(4, '0')}`,
      source: s.source,
      source_instance: s.instance ?? '',
      type: s.type,
      occurred_at: iso(s.at),
      received_at: undefined,
      entity_type: s.entityType,
      entity_id: s.entityId,
      refs: s.refs ?? [],
      correlation_id: '',
      amount: s.amount === undefined ? null : s.amount,
      currency: s.amount === undefined || s.amount === null ? '' : this.currency,
      status: s.status ?? '',
      due_at: s.dueAt === undefined ? null : iso(s.dueAt),
      period_end: s.periodEnd === undefined ? null : iso(s.periodEnd),
      attributes: { ...this.dimAttrs, ...s.attrs },
      trace_id: s.traceId ?? '',
      span_id: s.spanId ?? '',
      payload: { id: s.entityId, type: s.type, ...(s.amount == null ? {} : { amount: s.amount, currency: this.currency }), ...s.payload },
    };
    const [lo, hi] = LAG[s.source] ?? [1, 60];
    const t = this.transport;
    let deliverAt = s.at + Math.round(t.float(lo, hi) * 1000);
    if (t.chance(DELIVERY_RATES.late)) {
      // The source (or its connector) was down: the event arrives hours to two days late.
      deliverAt += Math.round(t.float(1, 48) * 3_600_000);
      this.fault('late-delivery', entityKey(s.source, s.entityType, s.entityId), s.at);
    }
    let delivered = true;
    if (MALFORMED_SOURCES.has(s.source) && this.defects.chance(Math.min(0.05, MALFORMED_RATES.malformed * this.risk))) {
      const d = this.defects;
      const defect: Defect = event.amount === null ? 'local-date' : d.pick(['amount-text', 'currency-case', 'local-date'] as const);
      const attempt: SimEvent = { event: { ...event, received_at: iso(deliverAt) }, deliverAt, malformed: defect };
      this.events.push(attempt);
      delivered = d.chance(MALFORMED_RATES.resent);
      if (delivered) deliverAt += Math.round(d.float(2, 48) * 3_600_000);
      if (delivered && d.chance(MALFORMED_RATES.newId)) attempt.resentAs = event.event_id = `${event.event_id}r2`;
      this.fault(delivered ? 'malformed-resent' : 'malformed', entityKey(s.source, s.entityType, s.entityId), s.at);
    }
    event.received_at = iso(deliverAt);
    const duplicate = t.chance(DELIVERY_RATES.duplicate);
    if (!delivered) return event;
    this.events.push({ event, deliverAt });
    if (duplicate) {
      // At-least-once delivery: the same event (same event_id) comes again later.
      const again = deliverAt + Math.round(t.float(30, 6 * 3600) * 1000);
      this.events.push({ event: { ...event, received_at: iso(again) }, deliverAt: again, redelivery: true });
      this.fault('duplicate', entityKey(s.source, s.entityType, s.entityId), s.at);
    }
    return event;
  }

  /** Delays the delivery of an event until after another one (a parent sent after its child). */
  deliverAfter(parent: CanonicalEvent, child: CanonicalEvent): void {
    // (an event never delivered valid has no delivery here to move: a malformed attempt stays as sent)
    const c = this.events.find((e) => e.event === child);
    const p = this.events.find((e) => e.event === parent);
    if (!c || !p) return;
    p.deliverAt = Math.max(p.deliverAt, c.deliverAt + Math.round(this.transport.float(60, 4 * 3600) * 1000));
    p.event.received_at = iso(p.deliverAt);
    this.fault('out-of-order', entityKey(parent.source, parent.entity_type, parent.entity_id), Date.parse(parent.occurred_at));
  }
}

export function keyOf(e: Pick<CanonicalEvent, 'source' | 'entity_type' | 'entity_id'>): string {
  return entityKey(e.source, e.entity_type, e.entity_id);
}
