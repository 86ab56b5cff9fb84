'use client';
// Ingest tokens for collectors: the configured one (CASHTRACE_INGEST_TOKEN or generated),
// plus admin-made ones for every collector or one; created / rotated (shown once), revoked.

import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { ingestTokenPublicSchema } from '@/lib/contracts/auth';
import { fetchJson, sendJson } from '@/app/_hooks/fetch-json';
import { useAdminMutation } from './use-admin';
import { TokenTable } from './token-table';
import { ShownOnce, type ShownOnceValue } from './shown-once';
import styles from './admin.module.css';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const listSchema = z.object({ configured: z.object({ source: z.string(), prefix: z.string() }), tokens: z.array(ingestTokenPublicSchema) });
const secretSchema = z.object({ token: z.string(), ingest_token: ingestTokenPublicSchema });

export function IngestTokensPanel() {
  const list = useQuery({ queryKey: ['admin', 'ingest-tokens'], queryFn: () => fetchJson('/api/admin/ingest-tokens', listSchema) });
  const [name, setName] = useState('');
  const [scope, setScope] = useState('');
  const [secret, setSecret] = useState<ShownOnceValue | null>(null);
  const create = useAdminMutation(() => sendJson('/api/admin/ingest-tokens', 'POST', { name, scope }, secretSchema));
  const rotate = useAdminMutation((id: string) => sendJson(`/api/admin/ingest-tokens/${encodeURIComponent(id)}`, 'POST', undefined, secretSchema));
  const revoke = useAdminMutation((id: string) => sendJson(`/api/admin/ingest-tokens/${encodeURIComponent(id)}`, 'DELETE', undefined, z.object({ ingest_token: ingestTokenPublicSchema })));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create.mutateAsync(undefined).catch(() => null);
    if (r) setSecret({ label: `Ingest token ${r.ingest_token.name} (shown once)`, value: r.token });
  };
  return (
    <section className="panel" data-testid="ingest-tokens-panel">
      <h2>Ingest tokens</h2>
      {list.data && (
        <p className="muted">
          Configured token: <span className="mono">{list.data.configured.prefix}…</span> ({list.data.configured.source}). Vendors that sign their webhooks (Stripe, HubSpot, …) use the
          signing secrets below instead.
        </p>
      )}
      <form className={styles.form} onSubmit={submit}>
        <label>
          name
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          collector (empty = all)
          <input value={scope} onChange={(e) => setScope(e.target.value.trim())} placeholder="events, stripe, …" />
        </label>
        <button className={styles.btn} type="submit">
          Create ingest token
        </button>
      </form>
      {[create.error, rotate.error, revoke.error].filter(Boolean).map((e) => (
        <p key={e!.message} className="error">{e!.message}</p>
      ))}
      <ShownOnce shown={secret} onDone={() => setSecret(null)} testId="ingest-token-secret" />
      <RefreshFailed query={list} what="the ingest tokens" />
      {loadError(list) && <div className="error">Could not load the ingest tokens: {loadError(list)?.message}</div>}
      {list.data && list.data.tokens.length > 0 && (
        <TokenTable
          tokens={list.data.tokens}
          column="collector"
          cell={(t) => t.scope || 'all'}
          onRotate={async (t) => {
            const r = await rotate.mutateAsync(t.id).catch(() => null);
            if (r) setSecret({ label: `Ingest token ${t.name} rotated (shown once)`, value: r.token });
          }}
          onRevoke={(t) => revoke.mutate(t.id)}
        />
      )}
    </section>
  );
}
