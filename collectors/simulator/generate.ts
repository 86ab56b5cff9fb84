// The simulator as a library: the firm's deals over a window of days, from a seed.
// Deal i's start time and story depend only on (seed, i, window), so a run is
// reproducible and the live mode can continue the same world past "now".

import type { CanonicalEvent } from '../../lib/events/schema';
import { DAY, HOUR, isWeekend, localDayStart } from './calendar';
import { simulateBooking } from './booking';
import { simulateDelivery } from './delivery';
import { DealContext, type Fault, type SimEvent } from './emit';
import { Rng } from './prng';
import { buildWorld, type World } from './world';

export interface SimOptions {
  seed: number;
  /** Deals that start within the window (live mode continues at the same pace). */
  deals: number;
  days: number;
  /** End of the backfill window (epoch ms). */
  now: number;
  /** Added to record numbers (OPP-…, INV-…) so several runs can share one store. */
  idOffset?: number;
  /**
   * End of the window deals are paced over (default `now`). The demo anchors it to the end
   * of the day so a restart later the same day regenerates the very same world.
   */
  anchor?: number;
}

export interface DealRun {
  index: number;
  /** The deal's correlation ID once stitched: the opportunity's entity key. */
  correlationId: string;
  startAt: number;
  billingModel: string;
  events: SimEvent[];
  faults: Fault[];
}

const MODELS: [string, number][] = [
  ['time_and_materials', 40],
  ['milestone', 25],
  ['fixed_fee', 20],
  ['retainer', 15],
];

const ENTITY_RISK: Record<string, number> = { US01: 0.8, CA01: 1.4, UK01: 1, DE01: 0.9, SG01: 1.6 };

export function windowStart(o: SimOptions): number {
  return (o.anchor ?? o.now) - o.days * DAY;
}

/** When deal i is won: evenly paced over the window, in working hours, weekdays heavier. */
export function dealStart(o: SimOptions, world: World, index: number, rng: Rng, off: number): number {
  const spacing = (o.days * DAY) / o.deals;
  let t = windowStart(o) + (index + rng.next()) * spacing;
  // Most weekend wins are logged on Monday; a few diligent reps close on Saturday.
  if (isWeekend(t, off) && !rng.chance(0.05)) t = localDayStart(t, off) + (new Date(t + off * HOUR).getUTCDay() === 6 ? 2 : 1) * DAY;
  const day = localDayStart(t, off);
  // Win times cluster late morning and mid afternoon.
  const hour = rng.chance(0.5) ? rng.normal(11, 1.2) : rng.normal(15.5, 1.3);
  return day + Math.max(8, Math.min(19.5, hour)) * HOUR;
}

export function simulateDeal(o: SimOptions, world: World, index: number): DealRun {
  const rng = new Rng(`deal:${o.seed}:${index}`);
  const customer = rng.weighted(world.customers.map((c) => [c, c.weight] as const));
  const le = customer.legalEntity;
  const billingModel = rng.weighted(MODELS);
  const dims = { customer, legalEntity: le, practice: rng.pick(world.practices), owner: rng.pick(world.owners), billingModel };
  const ctx = new DealContext(o.seed, index, dims, rng, 100000 + index + (o.idOffset ?? 0));
  // A troubled minority of deals (new client systems, rushed set-up) carries most failures;
  // some entities' integrations are flakier than others.
  ctx.risk = (rng.chance(0.12) ? 3 : 0.45) * (ENTITY_RISK[le.code] ?? 1);
  const startAt = dealStart(o, world, index, rng, le.utcOffset);
  const [lo, hi] = customer.tier === 'enterprise' ? [120_000, 1_500_000] : customer.tier === 'mid_market' ? [40_000, 400_000] : [8_000, 90_000];
  // Log-uniform: many small engagements, a few large ones.
  const usd = Math.exp(rng.float(Math.log(lo), Math.log(hi)));
  const value = Math.round((usd * le.fx) / 500) * 500;
  const setup = simulateBooking(ctx, world, startAt, value);
  simulateDelivery(ctx, setup);
  return { index, correlationId: setup.oppKey, startAt, billingModel, events: ctx.events, faults: ctx.faults };
}

/** Every deal of the window, one at a time (memory stays flat for millions of events). */
export function* generateDeals(o: SimOptions, world: World = buildWorld(o.seed), from = 0, to = o.deals): Generator<DealRun> {
  for (let i = from; i < to; i++) yield simulateDeal(o, world, i);
}

export interface GenerateOptions extends SimOptions {
  /** Include redeliveries (same event_id twice). Default true. */
  duplicates?: boolean;
  /** Only events delivered by `now` (the backfill's view). Default true. */
  upToNow?: boolean;
}

/**
 * Canonical events of N deals over D days, deal by deal (tests, e2e seeding, the bench):
 * the valid deliveries, so not the malformed attempts (an event sent only malformed is left
 * out, as ingest would reject it).
 */
export function* generateEvents(o: GenerateOptions): Generator<CanonicalEvent> {
  for (const deal of generateDeals(o)) {
    for (const se of deal.events) {
      if (se.malformed || (se.redelivery && o.duplicates === false)) continue;
      if (o.upToNow !== false && se.deliverAt > o.now) continue;
      yield se.event;
    }
  }
}

/**
 * Deals after the window's count that are won by `now` all the same: a win's time moves into
 * its local working day (and off weekends), so a deal whose slot is after `now` can be won
 * hours before it (at most a day: the slot's local day starts then). The backfill sends them,
 * live mode does not generate them again.
 */
export function* dealsWonByNow(o: SimOptions, world: World = buildWorld(o.seed)): Generator<DealRun> {
  const spacing = (o.days * DAY) / o.deals;
  for (let i = o.deals; windowStart(o) + i * spacing <= o.now + 2 * DAY; i++) {
    const deal = simulateDeal(o, world, i);
    if (deal.startAt <= o.now) yield deal;
  }
}

/** How far before the window the opening book's engagements were won, and one in how many of them it holds. */
export const OPENING_BOOK = { days: 120, sample: 8 } as const;

/**
 * A firm's book does not start with the window: engagements won in the OPENING_BOOK.days
 * before it (at the window's pace, one in OPENING_BOOK.sample; deal indices -1, -2, …) that
 * are still delivering, billing or collecting when the window starts. Their older invoices are
 * what a real ledger's 61–90 and 90+ days overdue receivables are made of, which a book that
 * began with the window could not have.
 */
export function* openingBook(o: SimOptions, world: World = buildWorld(o.seed)): Generator<DealRun> {
  const spacing = (o.days * DAY) / o.deals;
  const start = windowStart(o);
  for (let i = OPENING_BOOK.sample; i * spacing <= OPENING_BOOK.days * DAY; i += OPENING_BOOK.sample) {
    const deal = simulateDeal(o, world, -i);
    // (a win moved onto the next working day can fall in the window: the window's own deals cover it)
    if (deal.startAt < start && deal.events.some((se) => Date.parse(se.event.occurred_at) >= start)) yield deal;
  }
}

/** All events of the window in delivery order, split at `now` (what the backfill sends, what waits). */
export function backfillPlan(o: SimOptions): { due: SimEvent[]; held: SimEvent[]; faults: Fault[]; deals: number } {
  const due: SimEvent[] = [];
  const held: SimEvent[] = [];
  const faults: Fault[] = [];
  const world = buildWorld(o.seed);
  let deals = 0;
  for (const deal of [...openingBook(o, world), ...generateDeals(o, world), ...dealsWonByNow(o, world)]) {
    for (const se of deal.events) (se.deliverAt <= o.now ? due : held).push(se);
    faults.push(...deal.faults);
    deals++;
  }
  const byDelivery = (a: SimEvent, b: SimEvent) => a.deliverAt - b.deliverAt;
  due.sort(byDelivery);
  held.sort(byDelivery);
  return { due, held, faults, deals };
}
