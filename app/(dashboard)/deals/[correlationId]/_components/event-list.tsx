'use client';
// The deal's canonical events in business-time order; a row selects its event (its date is the
// row's link, stretched over it: a click anywhere on the row, or Enter on it, selects).

import type { JourneyEvent } from '@/lib/contracts/deals';
import { formatMoney } from '@/lib/money/format';
import { STAGE_COLOR, formatDate, stepLabel } from '@/app/_components/journey-format';
import { SOURCE_LABEL, eventHref, selectOnClick } from './lane-timeline';
import styles from './journey.module.css';

export function EventList({ events, selected, onSelect }: { events: JourneyEvent[]; selected: string | null; onSelect: (id: string) => void }) {
  return (
    <table className="data" data-testid="event-list">
      <thead>
        <tr>
          <th>When</th>
          <th>System</th>
          <th>Step</th>
          <th>Record</th>
          <th className="num">Amount</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr
            key={e.event_id}
            className={`${styles.eventRow} ${e.event_id === selected ? styles.selectedRow : ''}`}
            aria-selected={e.event_id === selected}
            data-testid="event-row"
            data-event-id={e.event_id}
          >
            <td>
              <a href={eventHref(e.event_id)} onClick={(click) => selectOnClick(click, e.event_id, onSelect)} className={styles.eventLink}>
                {formatDate(e.occurred_at)}
              </a>
            </td>
            <td>{SOURCE_LABEL[e.source] ?? e.source}</td>
            {/* the step (and its status) and the record ID wrap: the list shares the row with the event's detail */}
            <td className="breakable">
              <span className={styles.stepCell}>
                <span className={styles.dot} style={{ background: STAGE_COLOR[e.stage] }} />
                <span>{stepLabel(e.type)}</span>
              </span>
              {e.status && <span className={`badge ${/fail|error|timeout|declin/i.test(e.status) ? 'bad' : ''} ${styles.status}`}>{e.status}</span>}
            </td>
            <td className="mono id">{e.entity_id}</td>
            <td className="num">{e.amount === null ? '' : formatMoney(e.amount, e.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
