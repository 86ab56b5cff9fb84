// Sign-in page (outside the dashboard layout). In demo mode it lists the seeded users
// and their passwords; with an OIDC provider configured it offers that instead.

import { getRuntime } from '@/lib/runtime';
import { env } from '@/lib/env';
import { demoCredentials, ensureAuthReady, isDemoMode } from '@/lib/auth/bootstrap';
import { LoginForm } from './_components/login-form';
import styles from './_components/login.module.css';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const sp = await searchParams;
  const rt = await getRuntime();
  await ensureAuthReady(rt.store);
  const demo = await isDemoMode(rt.store);
  const oidc = !!env().CASHTRACE_OIDC_ISSUER;
  const next = sp.next && sp.next.startsWith('/') && !sp.next.startsWith('//') ? sp.next : '/';
  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <h1 className={styles.title}>
          <span className={styles.mark}>₵</span> Cashtrace
        </h1>
        <p className="muted">Where is our money stuck? Sign in to continue.</p>
        {sp.error && <p className="error" data-testid="login-error">{sp.error}</p>}
        {oidc ? (
          <a className={styles.oidc} href={`/api/auth/oidc/start?next=${encodeURIComponent(next)}`} data-testid="oidc-sign-in">
            Sign in with your identity provider
          </a>
        ) : (
          <LoginForm next={next} demo={demo ? demoCredentials() : []} />
        )}
      </div>
    </main>
  );
}
