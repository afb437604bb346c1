-- The cost of delay adds up the daily rates of the program's active people on every page
-- header; this index holds just the people who have a rate (a few hundred among hundreds
-- of thousands), with what the sum needs, so it never reads the roster.
CREATE INDEX ix_person_daily_rate ON person (program_id, active, employer_kind, daily_rate_cents)
    WHERE daily_rate_cents IS NOT NULL;
