// Renders canonical events as a legacy CSV export with its declared mapping (one file per
// source and type), the way a batch job of an older system would upload it.

import type { CanonicalEvent } from '@/lib/events/schema';
import { parseEntityKey } from '@/lib/events/entity-key';
import type { NativeRequest, SenderOptions } from '../shared/native';
import type { FileMapping } from './mapping';

export const FILES_PATH = '/api/ingest/files';

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function nativeRequests(events: CanonicalEvent[], opts: SenderOptions): NativeRequest[] {
  const groups = new Map<string, CanonicalEvent[]>();
  for (const e of events) groups.set(`${e.source}|${e.type}|${e.entity_type}`, [...(groups.get(`${e.source}|${e.type}|${e.entity_type}`) ?? []), e]);
  const out: NativeRequest[] = [];
  for (const [key, group] of groups) {
    const [source, type, entityType] = key.split('|');
    const refKinds = [...new Set(group.flatMap((e) => e.refs.map((r) => { const k = parseEntityKey(r)!; return `${k.source}:${k.entity_type}`; })))];
    const attrNames = [...new Set(group.flatMap((e) => Object.keys(e.attributes)))];
    const header = ['Event ID', 'Record', 'Date', 'Amount', 'Currency', 'Status', 'Due', 'Period End', ...refKinds.map((k) => `Ref ${k}`), ...attrNames.map((a) => `Attr ${a}`)];
    const lines = [header.map(cell).join(',')];
    for (const e of group) {
      const refsOf = (kind: string) => e.refs.filter((r) => r.startsWith(`${kind}:`)).map((r) => r.slice(kind.length + 1)).join(';');
      lines.push([e.event_id, e.entity_id, e.occurred_at, e.amount, e.currency, e.status, e.due_at, e.period_end, ...refKinds.map(refsOf), ...attrNames.map((a) => e.attributes[a])].map(cell).join(','));
    }
    const mapping: FileMapping = {
      source: source as FileMapping['source'],
      type,
      entity_type: entityType,
      columns: { event_id: 'Event ID', entity_id: 'Record', occurred_at: 'Date', amount: 'Amount', currency: 'Currency', status: 'Status', due_at: 'Due', period_end: 'Period End' },
      refs: refKinds.map((k) => { const [s, t] = k.split(':'); return { column: `Ref ${k}`, source: s as FileMapping['source'], entity_type: t }; }),
      attributes: Object.fromEntries(attrNames.map((a) => [a, `Attr ${a}`])),
    };
    out.push({
      path: FILES_PATH,
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${opts.token ?? ''}`, 'x-cashtrace-mapping': JSON.stringify(mapping), 'x-cashtrace-filename': `${source}-${type}.csv` },
      body: lines.join('\r\n') + '\r\n',
    });
  }
  return out;
}
