'use client';
// Current user badge for the nav: name, role, an Admin link for admins, and sign-out.

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { useMe } from './use-me';
import { RecentActions } from './recent-actions';
import styles from './user-badge.module.css';

export function UserBadge() {
  const { data: me } = useMe();
  const router = useRouter();
  const qc = useQueryClient();
  if (!me) return null;
  const signOut = async () => {
    await fetch('/api/auth/logout', { method: 'POST' });
    qc.clear();
    router.replace('/login');
  };
  return (
    <div className={styles.badge} data-testid="user-badge">
      {me.user.role === 'admin' && (
        <Link href="/admin" className={styles.admin} data-testid="nav-admin">
          Admin
        </Link>
      )}
      <span className={styles.who}>
        <span className={styles.name} data-testid="user-name">{me.user.display_name}</span>
        <span className={styles.role} data-testid="user-role">{me.user.role}</span>
      </span>
      <button type="button" className={styles.signout} onClick={signOut} data-testid="sign-out">
        Sign out
      </button>
      <RecentActions />
    </div>
  );
}
