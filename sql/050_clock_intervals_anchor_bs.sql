-- Business seconds of an interval's anchor (B(anchor_at) of lib/sla/business-time.ts, by its
-- deal's calendar; 0 for calendar-time clocks): an open interval's business age is then
-- B(now) − anchor_bs, with B(now) one constant per calendar, instead of the business-time
-- expression per row, which was most of the planning of the stuck, SLA and leakage views.
-- Rows built before this column (DEFAULT 0) belong to clock ids of the previous definition
-- (lib/clocks/registry.ts DEFINITION_VERSION): every clock is rebuilt under a new id at start.
ALTER TABLE clock_intervals ADD COLUMN IF NOT EXISTS anchor_bs Int64 DEFAULT 0;
