'use client';
// Open alert incidents and the latest delivery attempts (GET /api/alerts).

import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { fetchJson } from '@/app/_hooks/fetch-json';

const activitySchema = z.object({
  incidents: z.array(z.object({ incident_id: z.string(), rule_id: z.string(), breach_key: z.string(), summary: z.string(), opened_at: z.string(), reminders: z.number() })),
  deliveries: z.array(z.object({ delivery_id: z.string(), notice: z.string(), channel: z.string(), url_host: z.string(), attempt: z.number(), at: z.string(), ok: z.boolean(), http_status: z.number(), error: z.string() })),
});

export function AlertActivity({ ruleName }: { ruleName: (id: string) => string }) {
  const q = useQuery({ queryKey: ['admin', 'alert-activity'], queryFn: () => fetchJson('/api/alerts', activitySchema) });
  if (!q.data) return null;
  return (
    <div data-testid="alert-activity">
      <h3>Open incidents ({q.data.incidents.length})</h3>
      {q.data.incidents.length === 0 ? (
        <div className="empty">Nothing open.</div>
      ) : (
        <ul>
          {q.data.incidents.map((i) => (
            <li key={i.incident_id}>
              <strong>{ruleName(i.rule_id)}</strong> · {i.summary} <span className="muted">since {i.opened_at.slice(0, 16).replace('T', ' ')}, {i.reminders} reminder(s)</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Latest deliveries</h3>
      {q.data.deliveries.length === 0 ? (
        <div className="empty">None yet.</div>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>when</th>
              <th>notice</th>
              <th>channel</th>
              <th className="num">attempt</th>
              <th>result</th>
            </tr>
          </thead>
          <tbody>
            {q.data.deliveries.slice(0, 20).map((d) => (
              <tr key={`${d.delivery_id}:${d.attempt}`}>
                <td className="mono">{d.at.slice(0, 19).replace('T', ' ')}</td>
                <td>{d.notice}</td>
                <td>
                  {d.channel} <span className="muted">{d.url_host}</span>
                </td>
                <td className="num">{d.attempt}</td>
                <td>{d.ok ? <span className="badge ok">HTTP {d.http_status}</span> : <span className="badge bad">{d.error || `HTTP ${d.http_status}`}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
