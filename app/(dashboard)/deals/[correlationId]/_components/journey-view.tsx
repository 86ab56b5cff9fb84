'use client';
// The journey page: header and money, what is expected next, stage durations, the
// timeline (one lane per system), the expected path with deviations, and the events
// with the raw payload of the selected one.

import Link from 'next/link';
import { useState } from 'react';
import { useSearchParams } from 'next/navigation';
import { useDeal, useDealOpenItems } from '@/app/_hooks/use-deals';
import { JourneyHeader } from './journey-header';
import { NextStepCard } from './next-step-card';
import { StageDurations } from './stage-durations';
import { LaneTimeline } from './lane-timeline';
import { ExpectedPath } from './expected-path';
import { EventList } from './event-list';
import { EventDetail } from './event-detail';
import { DealNotFound } from './deal-not-found';
import type { ResolveCandidate } from '@/lib/contracts/deals';
import { LinkOutcome, type LinkDone } from '@/app/_components/link-correction';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';
import styles from './journey.module.css';

/** An address the server found to be no deal's: the deals holding a record of that ID (none, or several). */
export type NoDeal = { candidates: ResolveCandidate[] };

export function JourneyView({ correlationId, noDeal }: { correlationId: string; noDeal?: NoDeal }) {
  const deal = useDeal(correlationId, !noDeal);
  const { data, error, isLoading } = deal;
  const open = useDealOpenItems(correlationId, !noDeal);
  // The selected event is in the address (?event=): a link to it opens it selected, and a click
  // on an event before the page's scripts ran (a plain link then) selects it too.
  const [selected, setSelected] = useState<string | null>(useSearchParams().get('event'));
  const select = (id: string) => {
    setSelected(id);
    const url = new URL(window.location.href);
    url.searchParams.set('event', id);
    window.history.replaceState(null, '', url);
  };
  /** A link cut here: its record may have left this deal (and the view), so the outcome is said at the top. */
  const [cut, setCut] = useState<LinkDone | null>(null);

  // A refresh that failed keeps the journey on screen (and the event selected in it), saying so:
  // only a journey never loaded gives way to the error.
  if (loadError(deal) || noDeal) {
    const notFound = noDeal !== undefined || (error as { status?: number }).status === 404;
    return (
      <div>
        <Link href="/deals">← Deals</Link>
        {notFound ? (
          <DealNotFound id={correlationId} known={noDeal} />
        ) : (
          <div className="panel error" role="alert" data-testid="journey-error">
            Could not load the journey: {error?.message}
          </div>
        )}
      </div>
    );
  }
  if (isLoading || !data) return <div className="loading" data-testid="journey-loading">Loading journey…</div>;

  const current = data.events.find((e) => e.event_id === selected) ?? null;
  return (
    <div data-testid="journey">
      <Link href="/deals" className={styles.back}>← Deals</Link>
      <RefreshFailed query={deal} what="the journey" testId="journey-refresh-failed">
        {error && <RefreshFailedReason error={error} correlationId={correlationId} />}
      </RefreshFailed>
      {cut && (
        <div className="panel">
          <LinkOutcome done={cut} />
        </div>
      )}
      <JourneyHeader detail={data} />
      <div className={styles.twoCol}>
        <NextStepCard next={data.next_step} open={open.data?.items} openError={open.data ? undefined : open.error?.message} conforming={data.conforming} deviations={data.deviations} />
        <StageDurations stages={data.stages} />
      </div>
      <section className="panel">
        <h2>Timeline</h2>
        <LaneTimeline events={data.events} selected={selected} onSelect={select} dueAt={data.next_step?.due_at ?? null} />
        {data.truncated && <p className="muted">Showing the first {data.events.length} events of this deal.</p>}
      </section>
      <ExpectedPath path={data.expected_path} deviations={data.deviations} billingModel={data.deal.billing_model} />
      <div className={styles.eventsGrid}>
        <section className="panel" style={{ padding: 0, overflow: 'auto' }}>
          <EventList events={data.events} selected={selected} onSelect={select} />
        </section>
        <section className="panel">
          <EventDetail event={current} onLinkCut={setCut} />
        </section>
      </div>
    </div>
  );
}

/**
 * A deal no longer found may have had its records moved by a link correction (a cut re-stitches
 * it through a moment when it has none): the next refresh tells, and the search finds where they went.
 */
function RefreshFailedReason({ error, correlationId }: { error: Error; correlationId: string }) {
  return (error as { status?: number }).status === 404 ? (
    <>
      No deal had this ID on the last refresh: a link correction may have moved its records (
      <Link href={`/deals?q=${encodeURIComponent(correlationId)}`}>find them</Link>).
    </>
  ) : (
    <>Could not refresh the journey: {error.message}.</>
  );
}
