// The synthetic professional-services firm: legal entities (each with its currency,
// time zone and systems), regions, practices, owners and customers with tiers. Built
// once from the seed; every deal draws its dimensions from here.

import { Rng } from './prng';

export interface LegalEntity {
  code: string;
  name: string;
  region: string;
  currency: string;
  /** UTC offset in hours of the entity's business day (no DST: good enough for a demo). */
  utcOffset: number;
  /** FX multiplier applied to USD list rates. */
  fx: number;
  /** Which CRM and ERP instance this entity runs (drives native formats and source_instance). */
  crm: 'salesforce' | 'hubspot';
  erp: 'netsuite' | 'quickbooks' | 'xero';
  /** Payment terms in days for invoices of this entity's customers by tier. */
  netDays: Record<CustomerTier, number>;
}

export type CustomerTier = 'enterprise' | 'mid_market' | 'smb';

export interface Customer {
  id: string;
  name: string;
  tier: CustomerTier;
  legalEntity: LegalEntity;
  /** Share of this customer's invoices paid late (a few slow payers dominate arrears). */
  latePayer: number;
  /** Relative chance of winning a new deal. */
  weight: number;
}

export interface Role {
  name: string;
  usdRate: number;
}

export interface World {
  seed: number;
  legalEntities: LegalEntity[];
  practices: string[];
  owners: string[];
  customers: Customer[];
  roles: Role[];
}

const LEGAL_ENTITIES: LegalEntity[] = [
  { code: 'US01', name: 'Cashtrace Consulting Inc.', region: 'NA', currency: 'USD', utcOffset: -5, fx: 1, crm: 'salesforce', erp: 'netsuite', netDays: { enterprise: 45, mid_market: 30, smb: 30 } },
  { code: 'CA01', name: 'Cashtrace Consulting Canada Ltd.', region: 'NA', currency: 'CAD', utcOffset: -5, fx: 1.36, crm: 'salesforce', erp: 'quickbooks', netDays: { enterprise: 45, mid_market: 30, smb: 30 } },
  { code: 'UK01', name: 'Cashtrace Consulting UK Ltd.', region: 'EMEA', currency: 'GBP', utcOffset: 0, fx: 0.79, crm: 'salesforce', erp: 'xero', netDays: { enterprise: 45, mid_market: 30, smb: 30 } },
  { code: 'DE01', name: 'Cashtrace Beratung GmbH', region: 'EMEA', currency: 'EUR', utcOffset: 1, fx: 0.92, crm: 'hubspot', erp: 'netsuite', netDays: { enterprise: 45, mid_market: 45, smb: 30 } },
  { code: 'SG01', name: 'Cashtrace Consulting Pte. Ltd.', region: 'APAC', currency: 'SGD', utcOffset: 8, fx: 1.35, crm: 'hubspot', erp: 'xero', netDays: { enterprise: 45, mid_market: 30, smb: 30 } },
];

/** Share of deal flow per legal entity (the US is the home market). */
const ENTITY_WEIGHTS: Record<string, number> = { US01: 40, CA01: 8, UK01: 22, DE01: 18, SG01: 12 };

const PRACTICES = ['Strategy', 'Technology', 'Data & AI', 'Operations', 'Cybersecurity', 'Finance Transformation'];

const FIRST = ['Avery', 'Jordan', 'Priya', 'Mateo', 'Hannah', 'Kenji', 'Sofia', 'Lukas', 'Amara', 'Noah', 'Chloé', 'Ravi', 'Elena', 'Tomás', 'Mei', 'Oliver', 'Zara', 'Finn', 'Leila', 'Sam'];
const LAST = ['Patel', 'Nguyen', 'Schmidt', 'García', 'Okafor', 'Tanaka', 'Müller', 'Brown', 'Rossi', 'Kowalski', 'Chen', 'Dubois', 'Larsen', 'Silva', 'Cohen', 'Singh'];

const NAME_A = ['Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Acme', 'Tyrell', 'Cyberdyne', 'Soylent', 'Hooli', 'Vandelay', 'Massive', 'Blue Sun', 'Aperture', 'Wonka', 'Oscorp', 'Gringotts', 'Monarch', 'Pied Piper', 'Dunder', 'Sterling', 'Prestige', 'Bluth', 'Nakatomi', 'Octan', 'Vehement', 'Zorg'];
const NAME_B = ['Logistics', 'Health', 'Bank', 'Energy', 'Retail', 'Insurance', 'Pharma', 'Foods', 'Telecom', 'Capital', 'Manufacturing', 'Media', 'Airlines', 'Motors', 'Systems'];
const SUFFIX: Record<string, string[]> = { USD: ['Inc.', 'Corp.', 'LLC'], CAD: ['Ltd.', 'Inc.'], GBP: ['plc', 'Ltd'], EUR: ['GmbH', 'AG', 'SE'], SGD: ['Pte. Ltd.', 'Holdings'] };

export const ROLES: Role[] = [
  { name: 'partner', usdRate: 450 },
  { name: 'manager', usdRate: 310 },
  { name: 'senior_consultant', usdRate: 225 },
  { name: 'consultant', usdRate: 165 },
  { name: 'analyst', usdRate: 115 },
];

export function buildWorld(seed: number, customerCount = 160): World {
  const rng = new Rng(`world:${seed}`);
  const owners: string[] = [];
  while (owners.length < 24) {
    const n = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
    if (!owners.includes(n)) owners.push(n);
  }
  const entityPick = LEGAL_ENTITIES.map((le) => [le, ENTITY_WEIGHTS[le.code]] as const);
  const names = new Set<string>();
  const customers: Customer[] = [];
  for (let i = 0; customers.length < customerCount && i < customerCount * 20; i++) {
    const le = rng.weighted(entityPick);
    const base = `${rng.pick(NAME_A)} ${rng.pick(NAME_B)}`;
    if (names.has(base)) continue;
    names.add(base);
    const tier = rng.weighted<CustomerTier>([['enterprise', 20], ['mid_market', 45], ['smb', 35]]);
    customers.push({
      id: `CUST-${String(1000 + customers.length)}`,
      name: `${base} ${rng.pick(SUFFIX[le.currency])}`,
      tier,
      legalEntity: le,
      // Most customers pay on time; roughly one in eight is a habitual late payer.
      latePayer: rng.chance(0.12) ? rng.float(0.35, 0.7) : rng.float(0.03, 0.12),
      // Enterprise accounts buy more often (a long tail of one-off buyers).
      weight: (tier === 'enterprise' ? 4 : tier === 'mid_market' ? 2 : 1) * rng.float(0.3, 1.7),
    });
  }
  return { seed, legalEntities: LEGAL_ENTITIES, practices: PRACTICES, owners, customers, roles: ROLES };
}

/** Rounds money to cents (amounts are sent as numbers with two decimals). */
export function money(v: number): number {
  return Math.round(v * 100) / 100;
}
