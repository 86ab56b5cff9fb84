// The selected event: its canonical fields, a link to its middleware trace, and the raw
// payload exactly as the source sent it. A wrong reference can be cut (CutLink).

import Link from 'next/link';
import type { JourneyEvent } from '@/lib/contracts/deals';
import { formatMoney } from '@/lib/money/format';
import { formatDate, stepLabel } from '@/app/_components/journey-format';
import { CutLink, type LinkDone } from '@/app/_components/link-correction';
import styles from './journey.module.css';

export function EventDetail({ event, onLinkCut }: { event: JourneyEvent | null; onLinkCut: (done: LinkDone) => void }) {
  if (!event) {
    return (
      <div className="empty" data-testid="event-detail-empty">
        Select an event on the timeline or in the list to see its canonical fields and raw payload.
      </div>
    );
  }
  const e = event;
  const fields: [string, React.ReactNode][] = [
    ['event_id', <span className="mono" key="id">{e.event_id}</span>],
    ['type', `${e.type} (${e.stage})`],
    ['source', `${e.source}${e.source_instance ? ` · ${e.source_instance}` : ''}`],
    ['entity', <span className="mono" key="k">{e.entity_key}</span>],
    ['occurred_at', formatDate(e.occurred_at)],
    ['received_at', formatDate(e.received_at)],
    ['amount', e.amount === null ? '—' : formatMoney(e.amount, e.currency)],
    ['status', e.status || '—'],
  ];
  if (e.due_at) fields.push(['due_at', formatDate(e.due_at)]);
  if (e.period_end) fields.push(['period_end', formatDate(e.period_end)]);
  if (e.refs.length) {
    fields.push([
      'refs',
      <ul className={styles.refList} key="r" data-testid="event-refs">
        {e.refs.map((r) => (
          <li key={r}>
            <span className="mono">{r}</span> <CutLink record={e.entity_key} reference={r} onDone={onLinkCut} />
          </li>
        ))}
      </ul>,
    ]);
  }
  const attrs = Object.entries(e.attributes);
  if (attrs.length) fields.push(['attributes', <span className="mono" key="a">{attrs.map(([k, v]) => `${k}=${v}`).join(', ')}</span>]);
  return (
    <div data-testid="event-detail" data-event-id={e.event_id}>
      <h2>{stepLabel(e.type)}</h2>
      <dl className={styles.fields}>
        {fields.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
        {e.trace_id && (
          <div>
            <dt>trace</dt>
            <dd>
              <Link href={`/integrations/traces/${e.trace_id}`} data-testid="trace-link" className="mono">
                {e.trace_id}
              </Link>
            </dd>
          </div>
        )}
      </dl>
      <h2>Raw payload</h2>
      <pre className="payload" data-testid="raw-payload">
        {e.payload === null ? '(no payload kept)' : typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload, null, 2)}
      </pre>
    </div>
  );
}
