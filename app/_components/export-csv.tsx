'use client';
// "Export CSV": a link to the endpoint's CSV (copy it, open it in a new tab), which on a
// plain click fetches the file itself so that the user sees what happens: "Exporting… N
// rows" while the server streams every row, the API's own reason when it refuses (an
// export over the row limit, a session that expired) instead of the browser's silent
// "Failed", and a download that broke off is said to have, with nothing saved.

import { useState, type MouseEvent } from 'react';
import { csvRowCounter } from '@/lib/http/csv-rows';
import styles from './views.module.css';
import { formatCount } from '@/lib/money/format';

export function ExportCsv({ href, testId, className = styles.button, label = 'Export CSV' }: { href: string; testId?: string; className?: string; label?: string }) {
  const [busy, setBusy] = useState(false);
  const [rows, setRows] = useState(0);
  const [error, setError] = useState<string | null>(null);

  async function onClick(e: MouseEvent<HTMLAnchorElement>) {
    // a modified click (new tab, save link as …) is the browser's
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setRows(0);
    setError(null);
    let received = 0;
    try {
      const res = await fetch(href, { credentials: 'same-origin' });
      if (!res.ok) {
        let message = `the export failed (HTTP ${res.status})`;
        try {
          const body = (await res.json()) as { error?: { message?: string } };
          if (body.error?.message) message = `Export refused: ${body.error.message}`;
        } catch {
          // not the API's JSON: keep the status
        }
        setError(message);
        return;
      }
      // read as it streams, counting rows (the header is one), so a long export shows progress
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      const reader = res.body!.getReader();
      const count = csvRowCounter();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received = count(value);
        setRows(Math.max(0, received - 1));
      }
      const blob = new Blob(chunks, { type: 'text/csv' });
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv';
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setError(received > 0 ? `the export broke off after ${formatCount(received - 1)} rows (${(err as Error).message}): nothing was saved` : `the export failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <a href={href} download className={className} data-testid={testId} onClick={onClick} aria-busy={busy}>
        {busy ? (rows > 0 ? `Exporting… ${formatCount(rows)} rows` : 'Exporting…') : label}
      </a>
      {error && (
        <span role="alert" className={styles.exportError} data-testid={testId ? `${testId}-error` : undefined}>
          {error}
        </span>
      )}
    </>
  );
}
