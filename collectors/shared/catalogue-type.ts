// Which catalogue type a free-form type string names: exactly, or as its dotted suffix
// behind a reverse-DNS prefix (com.acme.q2c.invoice.issued ▶ invoice.issued).

import { ALL_EVENT_TYPES, UNMAPPED_TYPE, type EventType } from '@/lib/events/catalogue';

export function catalogueTypeOf(name: string): EventType {
  for (const t of ALL_EVENT_TYPES) if (name === t || name.endsWith(`.${t}`)) return t;
  return UNMAPPED_TYPE;
}
