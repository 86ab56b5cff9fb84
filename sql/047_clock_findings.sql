-- Leakage findings that are not clocks (lib/clocks/findings.ts: invoice amounts that differ
-- from the delivery they bill, credits caused by integration failures) are kept in the
-- clocks' snapshot too, one row per finding under the finding's id, with its description.
ALTER TABLE clock_intervals ADD COLUMN IF NOT EXISTS detail String DEFAULT '';
