'use client';
// Link corrections by hand (POST /api/links), for users who may make them (links:write):
// LinkToDeal joins an orphan to the deal it belongs to, named by any record of that deal
// (its bare ID or key), where a system sent the event without its reference; CutLink cuts a
// wrong reference of a record, which then leaves the deal (into a deal of its own, another
// one, or the orphans). Each asks why, for the audit trail, and says where the record went.

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { hasPermission } from '@/lib/auth/role-matrix';
import type { LinkCorrectionResult } from '@/lib/contracts/links';
import { useLinkCorrection } from '@/app/_hooks/use-links';
import { useMe } from './use-me';
import styles from './link-correction.module.css';

function useMayCorrectLinks(): boolean {
  const { data: me } = useMe();
  return !!me && hasPermission(me.user.role, 'links:write');
}

/** A correction made: the record, and the answer. */
export interface LinkDone {
  kind: 'merge' | 'split';
  record: string;
  result: LinkCorrectionResult;
}

/** Where the record went: its deal after the correction, or none. Shown by the page, as the row or event it was made on may leave the view. */
export function LinkOutcome({ done }: { done: LinkDone }) {
  const { record, result } = done;
  const verb = done.kind === 'merge' ? 'Linked' : 'Cut';
  const deal = result.after.a;
  return (
    <span className={styles.done} role="status" data-testid="link-done">
      {verb}: <span className="mono">{record}</span> is{' '}
      {deal ? (
        <>
          in deal <Link href={`/deals/${encodeURIComponent(deal)}`}>{deal}</Link>
        </>
      ) : (
        done.kind === 'merge' ? 'in no deal yet (neither record is in one)' : 'in no deal now: an orphan (nothing else links it to one)'
      )}
    </span>
  );
}

/**
 * The control of one correction: a button that opens a form asking why (and, for a merge,
 * the record of the deal to join), then sends it. Gone once made: the page says the outcome.
 */
function Correction(p: { kind: 'merge' | 'split'; record: string; reference?: string; onDone: (done: LinkDone) => void; open: string; title: string; verb: string; busy: string; testId: string }) {
  const may = useMayCorrectLinks();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const send = useLinkCorrection();
  if (!may || send.isSuccess) return null;
  if (!open) {
    return (
      <button type="button" className={styles.button} onClick={() => setOpen(true)} data-testid={p.testId} title={p.title}>
        {p.open}
      </button>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { kind, record } = p;
    // the promise, not mutate()'s callbacks: those are dropped once this control unmounts, as it
    // does when the refreshed view no longer shows the record (an event that left the deal)
    send
      .mutateAsync({ kind, a: record, b: p.reference ?? target, reason })
      .then((result) => p.onDone({ kind, record, result }))
      .catch(() => undefined); // shown from send.error
  };
  return (
    <form className={styles.form} onSubmit={submit} data-testid={`${p.testId}-form`}>
      {p.reference === undefined && (
        <input aria-label="A record of the deal" placeholder="OPP-…, INV-… or source:type:id" value={target} onChange={(e) => setTarget(e.target.value)} required maxLength={300} />
      )}
      <input aria-label="Why" placeholder="Why (audit trail)" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} />
      <button type="submit" className="primary" disabled={send.isPending}>
        {send.isPending ? p.busy : p.verb}
      </button>
      <button type="button" onClick={() => setOpen(false)} disabled={send.isPending}>
        Cancel
      </button>
      {send.error && (
        <span className={styles.error} role="alert">
          {send.error.message}
        </span>
      )}
    </form>
  );
}

/** Joins an orphan to its deal, named by any record of the deal (bare ID or key). */
export function LinkToDeal({ record, onDone }: { record: string; onDone: (done: LinkDone) => void }) {
  return (
    <Correction
      kind="merge"
      record={record}
      onDone={onDone}
      open="Link to a deal…"
      title="the event names no record of its deal (or one that never came): link it to the deal by one of the deal's records"
      verb="Link"
      busy="Linking…"
      testId="link-to-deal"
    />
  );
}

/** Cuts a record's wrong reference: the record leaves the deal. */
export function CutLink({ record, reference, onDone }: { record: string; reference: string; onDone: (done: LinkDone) => void }) {
  return (
    <Correction
      kind="split"
      record={record}
      reference={reference}
      onDone={onDone}
      open="Cut this link…"
      title={`${record} does not belong with ${reference}: cut this reference, and the record leaves the deal`}
      verb="Cut"
      busy="Cutting…"
      testId="cut-link"
    />
  );
}
