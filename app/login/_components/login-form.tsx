'use client';
// Username + password form; in demo mode a table of the demo users fills it in.

import { useState, type FormEvent } from 'react';
import type { Role } from '@/lib/auth/roles';
import styles from './login.module.css';

interface Props {
  next: string;
  demo: { username: string; password: string; role: Role }[];
}

export function LoginForm({ next, demo }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (!r.ok) {
        const body = (await r.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(body?.error?.message ?? `sign-in failed (${r.status})`);
        return;
      }
      window.location.assign(next);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form onSubmit={submit} className={styles.form} data-testid="login-form">
        <label>
          Username
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required data-testid="login-username" />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="login-password" />
        </label>
        {error && <p className="error" role="alert" data-testid="login-error">{error}</p>}
        <button type="submit" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {demo.length > 0 && (
        <section className={styles.demo} data-testid="demo-credentials">
          <h2>Demo users</h2>
          <p className="muted">Demo mode: one user per role. Click a row to fill in the form.</p>
          <table className="data">
            <thead>
              <tr>
                <th>role</th>
                <th>username</th>
                <th>password</th>
              </tr>
            </thead>
            <tbody>
              {demo.map((d) => (
                <tr key={d.username} data-testid={`demo-user-${d.role}`} onClick={() => (setUsername(d.username), setPassword(d.password))} className={styles.row}>
                  <td>{d.role}</td>
                  <td className="mono" data-testid="demo-username">{d.username}</td>
                  <td className="mono" data-testid="demo-password">{d.password}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
