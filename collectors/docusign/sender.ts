// Renders canonical contract.signed / contract.amended events as DocuSign Connect JSON SIM
// `envelope-completed` messages with HMAC signatures. The event id becomes
// docusign:<envelope id>:envelope-completed (DocuSign messages carry no event id).

import crypto from 'node:crypto';
import type { CanonicalEvent } from '@/lib/events/schema';
import { refId, type NativeRequest, type SenderOptions } from '../shared/native';
import { hmacSha256 } from '../shared/signature';
import { docusignEventId } from './collector';

export const DOCUSIGN_PATH = '/api/ingest/docusign';
const ACCOUNT_ID = '1f7a2b3c-4d5e-46f7-8a9b-0c1d2e3f4a5b';

function uuidFrom(seed: string): string {
  const h = crypto.createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The envelope id a canonical contract event is sent under. */
export function envelopeIdFor(e: CanonicalEvent): string {
  return uuidFrom(`${e.entity_type}:${e.entity_id}`);
}

export function connectMessage(e: CanonicalEvent): Record<string, unknown> | null {
  if (e.type !== 'contract.signed' && e.type !== 'contract.amended') return null;
  const envelopeId = envelopeIdFor(e);
  const text: { name: string; value: string }[] = [{ name: 'contract_number', value: e.entity_id }];
  const add = (name: string, value: string | undefined) => value && text.push({ name, value });
  add('opportunity_id', refId(e, 'crm', 'opportunity'));
  add('quote_id', refId(e, 'cpq', 'quote'));
  add('amends_contract', refId(e, 'clm', 'contract'));
  add('change_order_id', refId(e, 'cpq', 'change_order'));
  if (e.amount !== null) add('contract_value', String(e.amount));
  add('currency', e.currency);
  const t = e.occurred_at;
  return {
    event: 'envelope-completed',
    apiVersion: 'v2.1',
    uri: `/restapi/v2.1/accounts/${ACCOUNT_ID}/envelopes/${envelopeId}`,
    retryCount: 0,
    configurationId: 10418,
    generatedDateTime: t,
    data: {
      accountId: ACCOUNT_ID,
      userId: uuidFrom('sender'),
      envelopeId,
      envelopeSummary: {
        status: 'completed',
        emailSubject: `Please DocuSign: SOW ${e.entity_id}`,
        envelopeId,
        createdDateTime: t,
        sentDateTime: t,
        completedDateTime: t,
        statusChangedDateTime: t,
        customFields: {
          textCustomFields: text.map((f, i) => ({ fieldId: String(10000 + i), name: f.name, show: 'true', required: 'false', value: f.value })),
          listCustomFields: [],
        },
      },
    },
  };
}

/** The event id the collector derives for a canonical event sent through this sender. */
export function expectedEventId(e: CanonicalEvent): string {
  return docusignEventId(envelopeIdFor(e), 'envelope-completed');
}

export function nativeRequests(events: CanonicalEvent[], opts: SenderOptions): NativeRequest[] {
  const out: NativeRequest[] = [];
  for (const e of events) {
    const msg = connectMessage(e);
    if (!msg) continue;
    const body = JSON.stringify(msg);
    out.push({
      path: DOCUSIGN_PATH,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-docusign-signature-1': hmacSha256(opts.secret ?? '', body, 'base64'), 'user-agent': 'DocuSign Connect' },
      body,
    });
  }
  return out;
}
