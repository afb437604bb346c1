-- Benefit goals (each goal is its KPI), the sites each concerns (none: program-wide) and
-- their measurements over time.
--
-- A measurement is unique per goal, site and period: re-posting replaces it. Program-wide
-- measurements have no site; `site_key` is the site id or 0, so that the unique index holds
-- for them too (NULLs never clash in a unique index). `month` (year * 12 + month - 1) is
-- the period's month, written with the row, so that the dashboard groups by an integer on
-- both databases.

CREATE TABLE goal (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    name TEXT NOT NULL,
    definition TEXT,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    baseline_value DOUBLE PRECISION NOT NULL,
    baseline_date {date} NOT NULL,
    target_value DOUBLE PRECISION NOT NULL,
    target_date {date} NOT NULL,
    owner_person_id BIGINT REFERENCES person (id),
    value_per_year_cents BIGINT NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_goal_name ON goal (program_id, name);
CREATE INDEX ix_goal_owner ON goal (owner_person_id);

CREATE TABLE goal_site (
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    goal_id BIGINT NOT NULL REFERENCES goal (id) ON DELETE CASCADE,
    site_id BIGINT NOT NULL REFERENCES site (id),
    PRIMARY KEY (goal_id, site_id)
);
CREATE INDEX ix_goal_site_site ON goal_site (site_id, goal_id);

CREATE TABLE measurement (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    goal_id BIGINT NOT NULL REFERENCES goal (id) ON DELETE CASCADE,
    site_id BIGINT REFERENCES site (id),
    site_key BIGINT NOT NULL,
    period {date} NOT NULL,
    month BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_measurement ON measurement (goal_id, site_key, period);
-- The dashboard's per goal per month aggregate reads this index alone (it covers the
-- columns), 360,000 rows at the large demo's scale.
CREATE INDEX ix_measurement_month ON measurement (program_id, goal_id, month, site_id, value);
CREATE INDEX ix_measurement_site ON measurement (site_id, goal_id, month, value);
