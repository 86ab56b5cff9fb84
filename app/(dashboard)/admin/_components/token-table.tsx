'use client';
// The table of a token list (API or ingest tokens): name, a second column the caller
// names, prefix, creation, status, and rotate / revoke for active ones.

import styles from './admin.module.css';

export interface TokenLike {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

export function TokenTable<T extends TokenLike>(p: { tokens: T[]; column: string; cell: (t: T) => string; onRotate: (t: T) => void; onRevoke: (t: T) => void }) {
  return (
    <table className="data">
      <thead>
        <tr>
          <th>name</th>
          <th>{p.column}</th>
          <th>prefix</th>
          <th>created</th>
          <th>status</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {p.tokens.map((t) => (
          <tr key={t.id}>
            <td>{t.name}</td>
            <td>{p.cell(t)}</td>
            <td className="mono">{t.prefix}…</td>
            <td>
              {t.created_at} by {t.created_by}
            </td>
            <td>{t.revoked_at ? <span className="badge bad">revoked</span> : <span className="badge ok">active</span>}</td>
            <td className={styles.actions}>
              {!t.revoked_at && (
                <>
                  <button className={styles.btn} onClick={() => p.onRotate(t)}>
                    Rotate
                  </button>
                  <button className={`${styles.btn} ${styles.danger}`} onClick={() => p.onRevoke(t)}>
                    Revoke
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
