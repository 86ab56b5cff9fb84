// Files collector: CSV and JSONL with a declared mapping, row-level errors, sender round trip.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ev } from '@/lib/testing/events';
import { deliver, deliverAll, expectRoundTrip } from '../shared/test-support';
import { filesCollector } from './collector';
import { parseCsv } from './csv';
import { FILES_PATH, nativeRequests } from './sender';

const fixture = (n: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', n), 'utf8');
const upload = (body: string, contentType: string, mapping = fixture('invoices.mapping.json')) => ({ path: FILES_PATH, method: 'POST' as const, headers: { 'content-type': contentType, authorization: 'Bearer t', 'x-cashtrace-mapping': mapping.replace(/\n/g, '') }, body });

describe('files collector', () => {
  it('parses quoted CSV fields, doubled quotes and embedded newlines', () => {
    const r = parseCsv('a,b\r\n"x, ""y""","line1\nline2"\r\n3,4\n');
    expect(r.rows.map((x) => [x.line, x.values.a, x.values.b])).toEqual([[2, 'x, "y"', 'line1\nline2'], [4, '3', '4']]);
  });

  it('maps CSV rows with refs and attributes; bad rows are reported by line', async () => {
    const d = await deliver(filesCollector, upload(fixture('invoices.csv'), 'text/csv'));
    expect(d.events).toHaveLength(2);
    expect(d.events[0]).toMatchObject({ source: 'erp', type: 'invoice.issued', entity_id: 'INV-30001', amount: 46250, currency: 'USD', refs: ['erp:sales_order:SO-7781', 'psa:milestone:MS-1'], attributes: { region: 'EMEA' }, due_at: '2026-04-30T00:00:00.000Z' });
    expect(d.events[1].refs).toEqual(['erp:sales_order:SO-7790', 'psa:milestone:MS-4', 'psa:milestone:MS-5']);
    expect(d.invalid?.map((i) => i.errors[0])).toEqual([expect.stringMatching(/^line 4: .*not a date/), expect.stringMatching(/^line 5: .*entity id/)]);
    expect(d.origins).toEqual([2, 3, 4, 5]);
    // Same file again ⇒ same ids (idempotent re-upload).
    const again = await deliver(filesCollector, upload(fixture('invoices.csv'), 'text/csv'));
    expect(again.events.map((e) => e.event_id)).toEqual(d.events.map((e) => e.event_id));
  });

  it('maps JSONL, keeping malformed lines as row errors', async () => {
    const body = '{"Invoice No":"INV-1","Invoice Date":"2026-03-01","Total":5}\n{oops\n';
    const d = await deliver(filesCollector, upload(body, 'application/x-ndjson'));
    expect(d.events).toHaveLength(1);
    expect(d.invalid?.[0].errors[0]).toMatch(/^line 2: malformed JSON/);
  });

  it('takes a browser form upload (multipart: file and mapping parts)', async () => {
    const form = new FormData();
    form.set('mapping', fixture('invoices.mapping.json'));
    form.set('file', new File([fixture('invoices.csv')], 'march-invoices.csv', { type: 'text/csv' }));
    const req = new Request('http://localhost/api/ingest/files', { method: 'POST', body: form });
    const d = await deliver(filesCollector, { path: FILES_PATH, method: 'POST', headers: { 'content-type': req.headers.get('content-type')!, authorization: 'Bearer t' }, body: Buffer.from(await req.arrayBuffer()) });
    expect(d.events.map((e) => e.entity_id)).toEqual(['INV-30001', 'INV-30002']);
    expect(d.events[0].source_instance).toBe('file:march-invoices.csv');
  });

  it('refuses an upload without a valid mapping', async () => {
    await expect(deliver(filesCollector, upload('a\n1', 'text/csv', '{"source":"nowhere"}'))).rejects.toMatchObject({ status: 400 });
  });

  it('round-trips canonical events through CSV exports', async () => {
    const sent = [
      ev({ source: 'psa', type: 'time.approved', entity_type: 'timesheet', entity_id: 'TS-1', refs: ['psa:project:PRJ-1'], amount: 1800, currency: 'EUR', period_end: '2026-03-06T00:00:00Z', attributes: { hours: '12', rate: '150' } }),
      ev({ source: 'psa', type: 'time.approved', entity_type: 'timesheet', entity_id: 'TS-2', refs: ['psa:project:PRJ-1'], amount: 300, currency: 'EUR', period_end: '2026-03-13T00:00:00Z', attributes: { hours: '2', rate: '150' } }),
      ev({ source: 'psa', type: 'milestone.completed', entity_type: 'milestone', entity_id: 'MS-1', refs: ['psa:project:PRJ-1'], amount: 40000, currency: 'EUR' }),
    ];
    const reqs = nativeRequests(sent, { token: 't' });
    expect(reqs).toHaveLength(2);
    const got = await deliverAll(filesCollector, reqs);
    expectRoundTrip(sent, got);
    expect(got.find((e) => e.entity_id === 'TS-1')).toMatchObject({ period_end: '2026-03-06T00:00:00.000Z', attributes: { hours: '12', rate: '150' } });
  });
});
