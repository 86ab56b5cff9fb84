-- Who works a policy's open breaches (acknowledge, assign, snooze, resolve: DOMAIN.md §10):
-- 'finance', 'pmo' or 'it'. '' for rows saved before this column: read as the default
-- (lib/contracts/sla.ts defaultBreachOwner: a stuck rule's policy its queue's owner, else
-- from the events its clock waits for).
ALTER TABLE sla_policies ADD COLUMN IF NOT EXISTS owner LowCardinality(String) DEFAULT '' AFTER enabled;
