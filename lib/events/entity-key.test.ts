import { describe, expect, it } from 'vitest';
import { SOURCES } from './catalogue';
import { entityKeySchema, isKnownEntityKey, parseEntityKey } from './entity-key';

describe('entity keys', () => {
  it('a known key is one parseEntityKey reads with a known source, or a stamped correlation ID', () => {
    const keys = [
      'erp:invoice:INV-1', 'crm:opportunity:OPP 1', 'corr:deal:abc', 'corr:deal:', 'corr:other:1', 'crmx:opportunity:1', 'nope:invoice:1',
      'crm::1', 'crm:Opportunity:1', 'crm:1abc:1', `crm:${'a'.repeat(64)}:1`, `crm:${'a'.repeat(65)}:1`, 'crm:opportunity:', 'crm:opportunity',
      'CRM:opportunity:1', 'crm:opportunity:a:b', 'crm:opportunity:é', ':opportunity:1', '',
    ];
    for (const k of keys) {
      const p = parseEntityKey(k);
      const expected = (p !== null && (SOURCES as readonly string[]).includes(p.source)) || (p !== null && k.startsWith('corr:deal:'));
      expect([k, isKnownEntityKey(k)]).toEqual([k, expected]);
    }
    expect(keys.filter(isKnownEntityKey)).toEqual(['erp:invoice:INV-1', 'crm:opportunity:OPP 1', 'corr:deal:abc', `crm:${'a'.repeat(64)}:1`, 'crm:opportunity:a:b', 'crm:opportunity:é']);
    expect(entityKeySchema.safeParse('nope:invoice:1').success).toBe(false);
    expect(entityKeySchema.safeParse('erp:invoice:a\u0001').success).toBe(false);
    expect(entityKeySchema.safeParse('erp:invoice:1').success).toBe(true);
  });
});
