import { describe, expect, it } from 'vitest';
import { STUCK_RULE_NAMES, STUCK_RULES } from '@/lib/stuck/rules';
import { SECTIONS } from './sections';

describe("Finance's sections", () => {
  it("sum no contract's whole value into unbilled work, and list each Finance-owned queue once", () => {
    const unbilled = SECTIONS.find((s) => s.id === 'unbilled-work')!;
    expect(unbilled.rules.filter((r) => STUCK_RULES[r].money === 'contract value')).toEqual([]);
    const all = SECTIONS.flatMap((s) => s.rules);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(STUCK_RULE_NAMES.filter((r) => STUCK_RULES[r].owner === 'Finance')));
  });
});
