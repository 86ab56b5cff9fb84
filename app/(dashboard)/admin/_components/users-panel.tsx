'use client';
// Users: list, create (a generated password is shown once), change role, disable.

import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { ROLES, type Role } from '@/lib/auth/roles';
import { userSchema } from '@/lib/contracts/auth';
import { sendJson } from '@/app/_hooks/fetch-json';
import { useAdminMutation, useUsers } from './use-admin';
import { ShownOnce, type ShownOnceValue } from './shown-once';
import styles from './admin.module.css';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

const createdSchema = z.object({ user: userSchema, password: z.string().optional() });

export function UsersPanel({ selfId }: { selfId: string }) {
  const users = useUsers();
  const [form, setForm] = useState({ username: '', display_name: '', role: 'finance' as Role });
  const [secret, setSecret] = useState<ShownOnceValue | null>(null);
  const create = useAdminMutation((v: typeof form) => sendJson('/api/admin/users', 'POST', v, createdSchema));
  const update = useAdminMutation((v: { id: string; patch: Record<string, unknown> }) =>
    sendJson(`/api/admin/users/${encodeURIComponent(v.id)}`, 'PATCH', v.patch, z.object({ user: userSchema })),
  );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create.mutateAsync(form).catch(() => null);
    if (r?.password) setSecret({ label: `Password for ${r.user.username} (shown once)`, value: r.password });
  };
  return (
    <section className="panel" data-testid="users-panel">
      <h2>Users</h2>
      <form className={styles.form} onSubmit={submit}>
        <label>
          username
          <input value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required data-testid="new-user-username" />
        </label>
        <label>
          name
          <input value={form.display_name} onChange={(e) => setForm({ ...form, display_name: e.target.value })} />
        </label>
        <label>
          role
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} data-testid="new-user-role">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button className={styles.btn} type="submit" data-testid="new-user-submit">
          Create user
        </button>
      </form>
      {create.error && <p className="error">{create.error.message}</p>}
      {update.error && <p className="error">{update.error.message}</p>}
      <ShownOnce shown={secret} onDone={() => setSecret(null)} testId="user-secret" />
      <RefreshFailed query={users} what="the users" />
      {users.isLoading ? (
        <div className="loading">Loading…</div>
      ) : loadError(users) ? (
        <div className="error">Could not load the users: {loadError(users)?.message}</div>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>username</th>
              <th>name</th>
              <th>role</th>
              <th>origin</th>
              <th>status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data!.users.map((u) => (
              <tr key={u.id} data-testid={`user-row-${u.username}`}>
                <td className="mono">{u.username}</td>
                <td>{u.display_name}</td>
                <td>
                  <select value={u.role} disabled={u.id === selfId} onChange={(e) => update.mutate({ id: u.id, patch: { role: e.target.value, reason: 'role changed in admin page' } })}>
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>{u.origin}</td>
                <td>{u.disabled ? <span className="badge bad">disabled</span> : <span className="badge ok">active</span>}</td>
                <td>
                  {u.id !== selfId && (
                    <button className={`${styles.btn} ${u.disabled ? '' : styles.danger}`} onClick={() => update.mutate({ id: u.id, patch: { disabled: !u.disabled } })}>
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
