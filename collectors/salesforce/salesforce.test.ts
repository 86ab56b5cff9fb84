// Salesforce collector: CDC (CometD and Pub/Sub forms, epoch ms and ISO dates), platform
// events, Outbound Messages; sender round trips.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ev } from '@/lib/testing/events';
import { deliver, deliverAll, expectRoundTrip } from '../shared/test-support';
import { salesforceCollector } from './collector';
import { nativeRequests, outboundMessage, SALESFORCE_PATH } from './sender';

const fixture = (n: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', n), 'utf8');
const json = (b: string) => ({ path: SALESFORCE_PATH, method: 'POST' as const, headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body: b });

describe('salesforce collector', () => {
  it('maps CDC messages: won opportunity with dimensions, approved CPQ quote, unmapped per record id', async () => {
    const d = await deliver(salesforceCollector, json(fixture('cdc-cometd.json')));
    expect(d.events).toHaveLength(4);
    expect(d.events[0]).toMatchObject({
      event_id: 'sf:0002343d-9d90-e395-ed20-cf416ba652ad:2',
      source: 'crm',
      type: 'opportunity.won',
      entity_id: '0065e00000XyZ12AAB',
      amount: 185000,
      currency: 'USD',
      occurred_at: new Date(1772442000000).toISOString(),
      attributes: { region: 'EMEA', practice: 'Data & AI', billing_model: 'milestone', customer: 'Acme Corp' },
    });
    expect(d.events[1]).toMatchObject({ source: 'cpq', type: 'quote.approved', entity_id: 'a0q5e00000Q1uOTAA3', refs: ['crm:opportunity:0065e00000XyZ12AAB'], occurred_at: '2026-03-02T10:30:00.000Z' });
    expect(d.events.slice(2).map((e) => [e.type, e.entity_type, e.entity_id, e.event_id])).toEqual([
      ['unmapped', 'account', '0015e00000AcMeAAA1', 'sf:0005aa00-1111-2222-3333-444455556666:1:0015e00000AcMeAAA1'],
      ['unmapped', 'account', '0015e00000AcMeAAA2', 'sf:0005aa00-1111-2222-3333-444455556666:1:0015e00000AcMeAAA2'],
    ]);
  });

  it('maps a decoded Pub/Sub platform event of the Q2C contract, keyed by its EventUuid', async () => {
    const d = await deliver(salesforceCollector, json(fixture('platform-event-pubsub.json')));
    expect(d.events[0]).toMatchObject({ event_id: '5e3f1a2b-9c8d-4e7f-a6b5-c4d3e2f1a0b9', source: 'cpq', type: 'change_order.approved', entity_id: 'CO-0042', amount: 22000, refs: ['cpq:quote:a0q5e00000Q1uOTAA3', 'clm:contract:93be49ab-1f2c-4d5e-8a9b-f752070d71ec'] });
  });

  it('parses Outbound Messages (SOAP), entity-decoded, keyed by the notification id', async () => {
    const d = await deliver(salesforceCollector, { path: `${SALESFORCE_PATH}?token=t`, method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: fixture('outbound-message.xml') });
    expect(d.events[0]).toMatchObject({ event_id: '04l5e00000AbCdEAAV', type: 'opportunity.won', entity_id: '0065e00000XyZ99AAB', amount: 72000, currency: 'EUR', attributes: { region: 'NA' }, source_instance: 'salesforce:00D5e000000AbCdEAK' });
  });

  it('dead-letters a message without ids and rejects a SOAP body without notifications', async () => {
    const d = await deliver(salesforceCollector, json(JSON.stringify([{ payload: { ChangeEventHeader: { entityName: 'Opportunity', recordIds: [] } } }])));
    expect(d.invalid?.[0].errors[0]).toMatch(/recordIds/);
    await expect(deliver(salesforceCollector, { path: SALESFORCE_PATH, method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<soapenv:Envelope/>' })).rejects.toThrow(/notifications/);
  });

  const sent = () => [
    ev({ source: 'crm', type: 'opportunity.won', entity_type: 'opportunity', entity_id: '006A1', amount: 50000, currency: 'USD', attributes: { region: 'APAC', practice: 'Cloud', customer: 'Initech <Asia>', billing_model: 'retainer' } }),
    ev({ source: 'cpq', type: 'quote.approved', entity_type: 'quote', entity_id: 'Q-1', refs: ['crm:opportunity:006A1'], amount: 50000, currency: 'USD' }),
    ev({ source: 'cpq', type: 'change_order.approved', entity_type: 'change_order', entity_id: 'CO-1', refs: ['cpq:quote:Q-1', 'clm:contract:CTR-1'], amount: 7000, currency: 'USD' }),
  ];

  it('round-trips through CDC messages, dimensions included', async () => {
    const s = sent();
    const got = await deliverAll(salesforceCollector, nativeRequests(s, { token: 't' }));
    expectRoundTrip(s, got);
    expect(got[0].attributes).toMatchObject(s[0].attributes);
  });

  it('round-trips through an Outbound Message', async () => {
    const s = sent();
    expectRoundTrip(s, await deliverAll(salesforceCollector, [outboundMessage(s, { token: 't' })]));
  });
});
