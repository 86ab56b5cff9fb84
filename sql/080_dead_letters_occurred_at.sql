-- The business time a dead-lettered event named (its raw input's occurred_at, when valid;
-- NULL otherwise), beside its record (011) and type (012): a letter of a type one record
-- may carry more than once (lib/events/catalogue.ts RECURRING_TYPES: another dispute,
-- another sync run) counts as stored since only when its record's event of its type at the
-- same business time was received after it; another occurrence is another event. The
-- ingest writes it at insert, parsed as the event schema parses occurred_at; for letters
-- written before this migration it is read from raw: an ISO-8601 string (from its date on)
-- or epoch milliseconds, in the years 2000–2100.
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS occurred_at Nullable(DateTime64(3, 'UTC')) DEFAULT
  if(toYear(assumeNotNull(multiIf(
      JSONType(raw, 'occurred_at') = 'String' AND match(JSONExtractString(raw, 'occurred_at'), '^\\d{4}-\\d{2}-\\d{2}'),
        parseDateTime64BestEffortOrNull(JSONExtractString(raw, 'occurred_at'), 3, 'UTC') AS parsed,
      JSONType(raw, 'occurred_at') IN ('Int64', 'UInt64', 'Double'),
        toNullable(fromUnixTimestamp64Milli(toInt64(JSONExtractFloat(raw, 'occurred_at')), 'UTC')),
      NULL) AS at)) BETWEEN 2000 AND 2100, at, NULL);
