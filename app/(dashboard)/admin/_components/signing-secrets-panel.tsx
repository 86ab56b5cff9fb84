'use client';
// Per-source signing secrets (Stripe, HubSpot, DocuSign, QuickBooks, Xero, NetSuite): per
// source, how many come from CASHTRACE_<SOURCE>_SECRET and the admin-managed ones. Create
// (generated in the vendor's shape, or the secret the vendor issued, pasted), rotate (a new
// secret beside the old one; both verify until the old one is revoked), revoke. A value is
// shown once; lists show prefix and fingerprint only.

import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { SIGNING_SOURCES, signingSecretListSchema, signingSecretPublicSchema, signingSecretShownOnceSchema, type SigningSecretPublic, type SigningSource } from '@/lib/contracts/auth';
import { fetchJson, sendJson } from '@/app/_hooks/fetch-json';
import { useAdminMutation } from './use-admin';
import { TokenTable } from './token-table';
import { ShownOnce, type ShownOnceValue } from './shown-once';
import styles from './admin.module.css';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const ENDPOINT = '/api/admin/signing-secrets';
const WHERE: Record<SigningSource, string> = {
  stripe: 'Stripe Dashboard ▶ Developers ▶ Webhooks: the endpoint signing secret (whsec_…)',
  hubspot: 'HubSpot developer account ▶ your app ▶ Auth: the client secret',
  docusign: 'DocuSign eSignature Admin ▶ Connect ▶ Connect Keys (HMAC)',
  quickbooks: 'Intuit Developer ▶ your app ▶ Webhooks: the verifier token',
  xero: 'Xero Developer ▶ your app ▶ Webhooks: the webhooks key',
  netsuite: 'the SuiteScript sender’s script parameter custscript_ct_secret',
};

/** Generate (empty) or paste the vendor-issued value. */
function SecretField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <label>
      secret (empty = generate)
      <input type="password" autoComplete="off" value={value} onChange={(e) => onChange(e.target.value.trim())} placeholder="paste the vendor’s secret" data-testid="signing-secret-value" />
    </label>
  );
}

export function SigningSecretsPanel() {
  const list = useQuery({ queryKey: ['admin', 'signing-secrets'], queryFn: () => fetchJson(ENDPOINT, signingSecretListSchema) });
  const [source, setSource] = useState<SigningSource>('stripe');
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [rotating, setRotating] = useState<SigningSecretPublic | null>(null);
  const [rotateValue, setRotateValue] = useState('');
  const [shown, setShown] = useState<ShownOnceValue | null>(null);
  const body = (v: Record<string, string>) => Object.fromEntries(Object.entries(v).filter(([, x]) => x));
  const create = useAdminMutation(() => sendJson(ENDPOINT, 'POST', body({ source, name, secret: value }), signingSecretShownOnceSchema));
  const rotate = useAdminMutation((id: string) => sendJson(`${ENDPOINT}/${encodeURIComponent(id)}`, 'POST', body({ secret: rotateValue }), signingSecretShownOnceSchema));
  const revoke = useAdminMutation((id: string) => sendJson(`${ENDPOINT}/${encodeURIComponent(id)}`, 'DELETE', undefined, z.object({ signing_secret: signingSecretPublicSchema })));
  const show = (what: string, r: z.infer<typeof signingSecretShownOnceSchema>) =>
    setShown({
      label: `${r.signing_secret.source} signing secret ${r.signing_secret.name} ${what} (shown once)`,
      value: r.secret,
      hint: r.signing_secret.origin === 'generated' ? `Enter it at ${WHERE[r.signing_secret.source]}.` : undefined,
    });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create.mutateAsync(undefined).catch(() => null);
    if (!r) return;
    show('created', r);
    setValue('');
  };
  const submitRotate = async (e: FormEvent) => {
    e.preventDefault();
    if (!rotating) return;
    const r = await rotate.mutateAsync(rotating.id).catch(() => null);
    if (!r) return;
    show('rotated — the previous one stays active until you revoke it', r);
    setRotating(null);
    setRotateValue('');
  };
  return (
    <section className="panel" data-testid="signing-secrets-panel">
      <h2>Signing secrets</h2>
      <p className="muted">
        Webhooks signed by the vendor are verified with any active secret of their source: those in <span className="mono">CASHTRACE_&lt;SOURCE&gt;_SECRET</span> and those
        managed here.
        {list.data && (
          <>
            {' '}
            Stored encrypted with key <span className="mono">{list.data.key.id}</span> ({list.data.key.origin}).
          </>
        )}
      </p>
      <form className={styles.form} onSubmit={submit}>
        <label>
          source
          <select value={source} onChange={(e) => setSource(e.target.value as SigningSource)} data-testid="signing-secret-source">
            {SIGNING_SOURCES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          name
          <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="e.g. production endpoint" data-testid="signing-secret-name" />
        </label>
        <SecretField value={value} onChange={setValue} />
        <button className={styles.btn} type="submit" disabled={create.isPending} data-testid="signing-secret-create">
          {value ? 'Add this secret' : 'Generate secret'}
        </button>
      </form>
      <p className="muted">Where the vendor issues it: {WHERE[source]}.</p>
      {rotating && (
        <form className={styles.form} onSubmit={submitRotate} data-testid="signing-secret-rotate-form">
          <span>
            New secret for {rotating.source} {rotating.name}:
          </span>
          <SecretField value={rotateValue} onChange={setRotateValue} />
          <button className={styles.btn} type="submit" disabled={rotate.isPending} data-testid="signing-secret-rotate">
            Rotate
          </button>
          <button className={styles.btn} type="button" onClick={() => setRotating(null)}>
            Cancel
          </button>
        </form>
      )}
      {[create.error, rotate.error, revoke.error].filter(Boolean).map((e) => (
        <p key={e!.message} className="error">{e!.message}</p>
      ))}
      <ShownOnce shown={shown} onDone={() => setShown(null)} testId="signing-secret-shown" />
      <RefreshFailed query={list} what="the signing secrets" />
      {list.isLoading ? (
        <div className="loading">Loading…</div>
      ) : loadError(list) ? (
        <div className="error">Could not load the signing secrets: {loadError(list)?.message}</div>
      ) : (
        list.data!.sources.map((s) => {
          const mine = list.data!.secrets.filter((x) => x.source === s.source);
          const activeHere = mine.filter((x) => !x.revoked_at).length;
          return (
            <div key={s.source} data-testid={`signing-secrets-${s.source}`}>
              <h3>
                {s.source}{' '}
                <span className="muted">
                  {s.env_secrets} in <span className="mono">{s.variable}</span>, {activeHere} active here
                </span>
                {s.env_secrets + activeHere === 0 && <span className="badge bad">no secret: deliveries refused (401)</span>}
              </h3>
              {mine.length === 0 ? (
                <div className="empty">No admin-managed {s.source} secret.</div>
              ) : (
                <TokenTable
                  tokens={mine}
                  column="fingerprint"
                  cell={(t) => `${t.fingerprint} (${t.origin}${t.rotated_from ? ', by rotation' : ''})`}
                  onRotate={(t) => {
                    setRotating(t);
                    setRotateValue('');
                  }}
                  onRevoke={(t) => revoke.mutate(t.id)}
                />
              )}
            </div>
          );
        })
      )}
    </section>
  );
}
