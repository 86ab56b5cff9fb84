// A dimension filter for the deals that carry no value (NO_VALUE, e.g. billing_model=(none)):
// the variants view lists a path of deals whose CRM event named no billing model, and its
// link to the deals list must list exactly those deals, not every deal on that path.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../clickhouse/client';
import { openTempStore } from '../testing/temp-store';
import { ev } from '../testing/events';
import { IngestWriter } from '../ingest/writer';
import { dealsQuerySchema } from '../contracts/deals';
import { variantsQuerySchema } from '../contracts/variants';
import { getDeals } from './get-deals';
import { getVariants } from './get-variants';
import { pathParam } from './deal-path';
import { NO_VALUE } from './filters';

let store: Store;
const won = (id: string, attributes: Record<string, string>) => [
  ev({ type: 'opportunity.won', entity_type: 'opportunity', entity_id: id, occurred_at: '2026-03-02T09:00:00Z', amount: 1000, currency: 'EUR', attributes }),
  ev({ type: 'quote.approved', source: 'cpq', entity_type: 'quote', entity_id: `Q-${id}`, refs: [`crm:opportunity:${id}`], occurred_at: '2026-03-03T09:00:00Z' }),
];

beforeAll(async () => {
  ({ store } = await openTempStore());
  const w = await IngestWriter.open(store);
  await w.write([
    ...won('OPP-FF', { billing_model: 'fixed_fee', region: 'EMEA' }),
    ...won('OPP-NONE', { region: 'EMEA' }),
    ...won('OPP-NOREGION', { billing_model: 'fixed_fee' }),
  ]);
  await w.settled();
});
afterAll(async () => store?.close());

const dealIds = async (q: Record<string, string>) => (await getDeals(store, dealsQuerySchema.parse(q))).deals.map((d) => d.correlation_id).sort();

describe('filtering on a dimension a deal does not carry', () => {
  it('lists the variant of deals with no billing model apart, and its link lists exactly its deals', async () => {
    const v = await getVariants(store, variantsQuerySchema.parse({}));
    const none = v.variants.find((x) => x.billing_model === '')!;
    expect(none.deals).toBe(1);
    const path = pathParam(none.path);
    expect(await dealIds({ path })).toEqual(['crm:opportunity:OPP-FF', 'crm:opportunity:OPP-NONE', 'crm:opportunity:OPP-NOREGION']);
    expect(await dealIds({ path, billing_model: NO_VALUE })).toEqual(['crm:opportunity:OPP-NONE']);
    expect(await dealIds({ path, billing_model: 'fixed_fee' })).toEqual(['crm:opportunity:OPP-FF', 'crm:opportunity:OPP-NOREGION']);
  });

  it('works for every dimension, alone and with others; an empty value is no filter', async () => {
    expect(await dealIds({ region: NO_VALUE })).toEqual(['crm:opportunity:OPP-NOREGION']);
    expect(await dealIds({ region: NO_VALUE, billing_model: NO_VALUE })).toEqual([]);
    expect(await dealIds({ region: 'EMEA', billing_model: NO_VALUE })).toEqual(['crm:opportunity:OPP-NONE']);
    expect(await dealIds({ region: '' })).toHaveLength(3);
    const byModel = await getVariants(store, variantsQuerySchema.parse({ billing_model: NO_VALUE }));
    expect(byModel.models.map((m) => [m.billing_model, m.deals])).toEqual([['', 1]]);
  });
});
