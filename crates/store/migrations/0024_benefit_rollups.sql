-- The benefits dashboard's rollups:
--
-- * `goal_month`: per goal and month, the sum and count of the program-wide measurements
--   and of the sites' measurements (the dashboard's program series);
-- * `goal_wave_month`: per goal, wave and month, the sum and count of the measurements of
--   the wave's sites (each wave's before and after).
--
-- A mean is sum / count. The dashboard reads 1,800 and 18,000 rows at the large demo's
-- shape instead of 360,000 measurements joined to their waves. The database keeps them on
-- every write: the triggers of migration 0025. Rows whose counts fall to zero are removed.

CREATE TABLE goal_month (
    program_id BIGINT NOT NULL,
    goal_id BIGINT NOT NULL,
    month BIGINT NOT NULL,
    program_total DOUBLE PRECISION NOT NULL,
    program_n BIGINT NOT NULL,
    sites_total DOUBLE PRECISION NOT NULL,
    sites_n BIGINT NOT NULL,
    PRIMARY KEY (goal_id, month)
);
CREATE INDEX ix_goal_month_program ON goal_month (program_id, goal_id, month);

CREATE TABLE goal_wave_month (
    program_id BIGINT NOT NULL,
    goal_id BIGINT NOT NULL,
    wave_id BIGINT NOT NULL,
    month BIGINT NOT NULL,
    total DOUBLE PRECISION NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (goal_id, wave_id, month)
);
CREATE INDEX ix_goal_wave_month_program ON goal_wave_month (program_id, goal_id, wave_id, month);
CREATE INDEX ix_goal_wave_month_wave ON goal_wave_month (wave_id, goal_id, month);

-- What is already measured.
INSERT INTO goal_month (program_id, goal_id, month, program_total, program_n,
                        sites_total, sites_n)
SELECT program_id, goal_id, month,
       COALESCE(SUM(CASE WHEN site_id IS NULL THEN value END), 0),
       COUNT(*) - COUNT(site_id),
       COALESCE(SUM(CASE WHEN site_id IS NOT NULL THEN value END), 0),
       COUNT(site_id)
FROM measurement GROUP BY program_id, goal_id, month;

INSERT INTO goal_wave_month (program_id, goal_id, wave_id, month, total, n)
SELECT m.program_id, m.goal_id, ws.wave_id, m.month, SUM(m.value), COUNT(*)
FROM measurement m JOIN wave_site ws ON ws.site_id = m.site_id
GROUP BY m.program_id, m.goal_id, ws.wave_id, m.month;
