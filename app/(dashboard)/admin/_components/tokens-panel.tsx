'use client';
// Personal API tokens: create for a user (acts with that user's role), rotate, revoke.
// A token's value is shown once, right after it is created or rotated.

import { useState, type FormEvent } from 'react';
import { tokenSecretSchema, apiTokenSchema } from '@/lib/contracts/auth';
import { z } from 'zod';
import { sendJson } from '@/app/_hooks/fetch-json';
import { useAdminMutation, useTokens, useUsers } from './use-admin';
import { TokenTable } from './token-table';
import { ShownOnce, type ShownOnceValue } from './shown-once';
import styles from './admin.module.css';

export function TokensPanel() {
  const tokens = useTokens();
  const users = useUsers();
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [secret, setSecret] = useState<ShownOnceValue | null>(null);
  const create = useAdminMutation((v: { name: string; user_id?: string }) => sendJson('/api/admin/tokens', 'POST', v, tokenSecretSchema));
  const rotate = useAdminMutation((id: string) => sendJson(`/api/admin/tokens/${encodeURIComponent(id)}`, 'POST', undefined, tokenSecretSchema));
  const revoke = useAdminMutation((id: string) => sendJson(`/api/admin/tokens/${encodeURIComponent(id)}`, 'DELETE', undefined, z.object({ api_token: apiTokenSchema })));
  const userName = (id: string) => users.data?.users.find((u) => u.id === id)?.username ?? id;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create.mutateAsync({ name, ...(owner ? { user_id: owner } : {}) }).catch(() => null);
    if (r) setSecret({ label: `Token ${r.api_token.name} (shown once)`, value: r.token });
  };
  return (
    <section className="panel" data-testid="tokens-panel">
      <h2>API tokens</h2>
      <p className="muted">For machine access: <span className="mono">Authorization: Bearer &lt;token&gt;</span>. A token acts with its owner&apos;s role.</p>
      <form className={styles.form} onSubmit={submit}>
        <label>
          name
          <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="new-token-name" />
        </label>
        <label>
          owner
          <select value={owner} onChange={(e) => setOwner(e.target.value)}>
            <option value="">me</option>
            {users.data?.users.filter((u) => !u.disabled).map((u) => (
              <option key={u.id} value={u.id}>
                {u.username} ({u.role})
              </option>
            ))}
          </select>
        </label>
        <button className={styles.btn} type="submit" data-testid="new-token-submit">
          Create token
        </button>
      </form>
      {[create.error, rotate.error, revoke.error].filter(Boolean).map((e) => (
        <p key={e!.message} className="error">{e!.message}</p>
      ))}
      <ShownOnce shown={secret} onDone={() => setSecret(null)} testId="token-secret" />
      {tokens.data && tokens.data.tokens.length === 0 && <div className="empty">No API tokens yet.</div>}
      {tokens.data && tokens.data.tokens.length > 0 && (
        <TokenTable
          tokens={tokens.data.tokens}
          column="owner"
          cell={(t) => userName(t.user_id)}
          onRotate={async (t) => {
            const r = await rotate.mutateAsync(t.id).catch(() => null);
            if (r) setSecret({ label: `Token ${t.name} rotated (shown once)`, value: r.token });
          }}
          onRevoke={(t) => revoke.mutate(t.id)}
        />
      )}
    </section>
  );
}
