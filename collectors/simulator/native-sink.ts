// The native sink: each source's events rendered in its vendor's own format by the
// collector's sender (collectors/registry.ts) and POSTed, signed, to that collector's
// endpoint: crm ▶ Salesforce or HubSpot (by instance), clm ▶ DocuSign, payments ▶ Stripe,
// erp ▶ QuickBooks / Xero / NetSuite, middleware, cpq and psa ▶ CloudEvents.
// A vendor format can carry less than a canonical event (Xero's webhooks carry ids only),
// so at start every (route, event type) is round-tripped offline through the collector's
// own parser; only pairs that keep what stitching and the figures need go native, the
// rest go through the canonical endpoint. The summary is printed. History (a backfill) can
// be mapped by the same parsers offline and sent canonical with its receipt times (isHistory).

import type { CanonicalEvent } from '../../lib/events/schema';
import { canonicalEventSchema } from '../../lib/events/schema';
import type { Env } from '../../lib/env';
import type { Collector, DeliveryContext } from '../shared/collector';
import { toRequest, type NativeRequest, type Sender } from '../shared/native';
import { COLLECTORS as REGISTRY } from '../registry';
import { canonicalSink, postWithRetry, type Sink, type SinkResult } from './sink';

/** Native requests in flight per batch. */
const PARALLEL_REQUESTS = 24;

interface RouteDef {
  collector: Collector;
  sender: Sender;
  auth: 'secret' | 'token';
}

const SECRET_VAR: Record<string, keyof Env> = {
  stripe: 'CASHTRACE_STRIPE_SECRET',
  hubspot: 'CASHTRACE_HUBSPOT_SECRET',
  docusign: 'CASHTRACE_DOCUSIGN_SECRET',
  quickbooks: 'CASHTRACE_QUICKBOOKS_SECRET',
  xero: 'CASHTRACE_XERO_SECRET',
  netsuite: 'CASHTRACE_NETSUITE_SECRET',
};

/** Which collector speaks for an event's system. */
export function routeOf(e: Pick<CanonicalEvent, 'source' | 'source_instance'>): string | null {
  const vendor = e.source_instance.split(':')[0];
  switch (e.source) {
    case 'crm':
      return vendor === 'hubspot' ? 'hubspot' : 'salesforce';
    case 'clm':
      return 'docusign';
    case 'payments':
      return vendor === 'stripe' ? 'stripe' : 'cloudevents';
    case 'erp':
      return ['quickbooks', 'xero', 'netsuite'].includes(vendor) ? vendor : 'cloudevents';
    default:
      return 'cloudevents';
  }
}

/** A delivery due more than this long ago is history (a backfill), not a live delivery. */
const HISTORY_MS = 60_000;

/**
 * A vendor's webhook carries no time of receipt: the collector stamps its events when the
 * request arrives. History sent now would read as received now (orphans "2 min" old whose
 * business time is weeks back), so it goes through the canonical endpoint, which takes each
 * event's receipt time, after being rendered and mapped as the collector maps it.
 */
export function isHistory(e: Pick<CanonicalEvent, 'received_at'>, now: number): boolean {
  return !!e.received_at && Date.parse(e.received_at) < now - HISTORY_MS;
}

/** What a round trip must keep: identity, links, money, dates and the dimensions. */
function fidelityView(e: CanonicalEvent): string {
  const a = e.attributes;
  const keep: Record<string, string | undefined> = {};
  if (e.type === 'opportunity.won') for (const k of ['customer', 'region', 'practice', 'legal_entity', 'billing_model']) keep[k] = a[k];
  if (e.type.startsWith('sync.')) Object.assign(keep, { flow_source: a.flow_source, flow_target: a.flow_target });
  if (e.type === 'credit_memo.issued') keep.reason = a.reason;
  return JSON.stringify({
    type: e.type,
    key: `${e.source}:${e.entity_type}:${e.entity_id}`,
    refs: [...e.refs].sort(),
    amount: e.amount,
    currency: e.amount === null ? '' : e.currency,
    due_at: e.due_at,
    period_end: e.period_end,
    keep,
  });
}

function parseOffline(def: RouteDef, reqs: NativeRequest[], baseUrl: string): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (const n of reqs) {
    const req = toRequest(n, baseUrl);
    const body = typeof n.body === 'string' ? Buffer.from(n.body) : n.body;
    const ctx: DeliveryContext = { req, url: new URL(req.url), body, contentType: req.headers.get('content-type') ?? '', now: new Date() };
    for (const e of def.collector.parse(ctx).events) out.push(canonicalEventSchema.parse(e));
  }
  return out;
}

/**
 * For each (route, type) of the sample: does the collector give back the same facts, and
 * the same event_id when the event is sent again later (so redelivery still dedups)?
 */
export function roundTripCheck(routes: Record<string, RouteDef>, sample: CanonicalEvent[], baseUrl: string): Map<string, string | true> {
  const groups = new Map<string, CanonicalEvent[]>();
  for (const e of sample) {
    const r = routeOf(e);
    if (!r || !routes[r]) continue;
    const k = `${r} ${e.type}`;
    const g = groups.get(k) ?? groups.set(k, []).get(k)!;
    if (g.length < 4) g.push(e);
  }
  const verdict = new Map<string, string | true>();
  for (const [k, evs] of groups) {
    const def = routes[k.split(' ')[0]];
    try {
      const opts = { secret: 'round-trip-check', token: 'round-trip-check', baseUrl };
      const first = parseOffline(def, def.sender(evs, { ...opts, now: new Date() }), baseUrl);
      const again = parseOffline(def, def.sender(evs, { ...opts, now: new Date(Date.now() + 60_000) }), baseUrl);
      const got = new Set(first.map(fidelityView));
      const lost = evs.filter((e) => !got.has(fidelityView(e)));
      const ids = (l: CanonicalEvent[]) => l.map((e) => e.event_id).sort().join(',');
      if (first.length === 0) verdict.set(k, 'not rendered');
      else if (lost.length > 0) verdict.set(k, 'loses fields');
      else if (ids(first) !== ids(again)) verdict.set(k, 'event ids not stable');
      else verdict.set(k, true);
    } catch (err) {
      verdict.set(k, `error: ${(err as Error).message.split('\n')[0].slice(0, 80)}`);
    }
  }
  return verdict;
}

export interface NativeSinkOptions {
  baseUrl: string;
  token: string;
  log: (l: string) => void;
  secrets: Partial<Env>;
  sample: CanonicalEvent[];
  /**
   * History (isHistory): 'receipt' maps it offline and sends it canonical with its receipt
   * times (the demo's backfill: its orphans, lag and letters read as of when each was
   * received); 'collectors' posts it to the collectors like live traffic, stamped on arrival
   * (the e2e seed: every native delivery through the real endpoints).
   */
  history: 'receipt' | 'collectors';
}

export async function nativeSink(o: NativeSinkOptions): Promise<Sink> {
  const COLLECTORS: Record<string, RouteDef> = REGISTRY;
  const fallback = canonicalSink(o);
  const secretOf = (route: string): string | null => {
    const v = SECRET_VAR[route] ? (o.secrets[SECRET_VAR[route]] as string | undefined) : undefined;
    return v ? v.split(',')[0].trim() : null;
  };
  const verdict = roundTripCheck(COLLECTORS, o.sample, o.baseUrl);
  const native = new Set<string>();
  const lines: string[] = [];
  for (const [k, v] of [...verdict].sort()) {
    const route = k.split(' ')[0];
    const needsSecret = COLLECTORS[route].auth === 'secret' && !secretOf(route);
    if (v === true && !needsSecret) native.add(k);
    lines.push(`${k}: ${v === true ? (needsSecret ? `canonical (${SECRET_VAR[route]} not set)` : 'native') : `canonical (${v})`}`);
  }
  o.log(`[simulator] native sink routes:\n  ${lines.join('\n  ')}`);
  const warned = new Set<string>();
  // History in its vendor's format, mapped by the collector's own parser (offline, as the
  // round-trip check does), keeping the time it was received: what the collector would
  // have stored had it been delivered then.
  const asMappedHistory = (route: string, e: CanonicalEvent): CanonicalEvent[] => {
    const def = COLLECTORS[route];
    try {
      const reqs = def.sender([e], { secret: secretOf(route) ?? undefined, token: o.token, now: new Date(), baseUrl: o.baseUrl });
      return parseOffline(def, reqs, o.baseUrl).map((m) => ({ ...m, received_at: e.received_at }));
    } catch (err) {
      if (!warned.has(`history ${route}`)) o.log(`[simulator] ${route} could not map ${e.type} offline, sent as canonical: ${(err as Error).message.split('\n')[0].slice(0, 200)}`);
      warned.add(`history ${route}`);
      return [e];
    }
  };

  return {
    name: `native (${native.size} of ${verdict.size} source/type pairs native)`,
    async send(events, malformed = []) {
      const byRoute = new Map<string, CanonicalEvent[]>();
      const rest: CanonicalEvent[] = [];
      const now = Date.now();
      for (const e of events) {
        const r = routeOf(e);
        if (!r || !native.has(`${r} ${e.type}`)) rest.push(e);
        else if (o.history === 'receipt' && isHistory(e, now)) rest.push(...asMappedHistory(r, e));
        else (byRoute.get(r) ?? byRoute.set(r, []).get(r)!).push(e);
      }
      const total: SinkResult = { accepted: 0, duplicates: 0, rejected: 0 };
      const canonical = rest.length || malformed.length ? fallback.send(rest, malformed) : null;
      // Vendors deliver one event per request (Stripe, DocuSign) or small batches; the
      // ingest buffer waits up to its max wait for company, so requests go out in parallel.
      const tasks: { route: string; n: NativeRequest; share: number }[] = [];
      const tally = new Map<string, { events: number; counted: number; exact: boolean }>();
      for (const [route, evs] of byRoute) {
        const reqs = COLLECTORS[route].sender(evs, { secret: secretOf(route) ?? undefined, token: o.token, now: new Date(), baseUrl: o.baseUrl });
        tally.set(route, { events: evs.length, counted: 0, exact: true });
        for (const n of reqs) tasks.push({ route, n, share: evs.length / Math.max(1, reqs.length) });
      }
      let next = 0;
      const worker = async () => {
        while (next < tasks.length) {
          const { route, n, share } = tasks[next++];
          const t = tally.get(route)!;
          const res = await postWithRetry(new URL(n.path, o.baseUrl).toString(), { headers: n.headers, body: n.body }, o);
          const text = await res.text();
          if (res.status >= 400) {
            if (!warned.has(route)) o.log(`[simulator] ${route} answered ${res.status}: ${text.slice(0, 200)}`);
            warned.add(route);
            // The vendor format does not say how many events a refused request held: share them out.
            total.rejected += Math.round(share);
            t.counted += Math.round(share);
            continue;
          }
          try {
            const r = JSON.parse(text) as { accepted?: number; duplicates?: number; rejected?: unknown[] };
            if (typeof r.accepted !== 'number') throw new Error('no counts');
            total.accepted += r.accepted;
            total.duplicates += r.duplicates ?? 0;
            total.rejected += r.rejected?.length ?? 0;
            t.counted += r.accepted + (r.duplicates ?? 0) + (r.rejected?.length ?? 0);
          } catch {
            t.exact = false; // e.g. a SOAP Ack: the vendor's answer carries no counts
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, tasks.length) }, worker));
      for (const t of tally.values()) if (!t.exact) total.accepted += Math.max(0, t.events - t.counted);
      if (canonical) {
        const r = await canonical;
        total.accepted += r.accepted;
        total.duplicates += r.duplicates;
        total.rejected += r.rejected;
      }
      return total;
    },
  };
}
