// Any page no route serves (a mistyped or trimmed address, e.g. /integrations/traces): says
// so in the dashboard's style, with the way back, instead of Next.js's bare 404.
import Link from 'next/link';

export default function NotFound() {
  return (
    <main style={{ maxWidth: 560, margin: '15vh auto', padding: 24 }}>
      <div className="panel" data-testid="not-found">
        <h1>Page not found</h1>
        <p className="subtitle">No page of Cashtrace has this address.</p>
        <p>
          <Link href="/">Overview</Link> · <Link href="/deals">Deals</Link> (search any key: invoice, project, payment…) ·{' '}
          <Link href="/integrations">Integrations</Link>
        </p>
      </div>
    </main>
  );
}
