-- The benefits dashboard's rollups, kept by the database on every write. The rules and the
-- tables are those of the SQLite twin of this file (read its header); here one function,
-- `measurement_delta`, applies a measurement's value with a sign to both rollups.

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

CREATE FUNCTION measurement_delta(m measurement, sign BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO goal_month AS r (program_id, goal_id, month, program_total, program_n,
                                 sites_total, sites_n)
    VALUES (m.program_id, m.goal_id, m.month,
            CASE WHEN m.site_id IS NULL THEN sign * m.value ELSE 0 END,
            CASE WHEN m.site_id IS NULL THEN sign ELSE 0 END,
            CASE WHEN m.site_id IS NULL THEN 0 ELSE sign * m.value END,
            CASE WHEN m.site_id IS NULL THEN 0 ELSE sign END)
    ON CONFLICT (goal_id, month) DO UPDATE SET
        program_total = r.program_total + excluded.program_total,
        program_n = r.program_n + excluded.program_n,
        sites_total = r.sites_total + excluded.sites_total,
        sites_n = r.sites_n + excluded.sites_n;
    INSERT INTO goal_wave_month AS r (program_id, goal_id, wave_id, month, total, n)
    SELECT m.program_id, m.goal_id, ws.wave_id, m.month, sign * m.value, sign
    FROM wave_site ws WHERE ws.site_id = m.site_id
    ON CONFLICT (goal_id, wave_id, month) DO UPDATE SET
        total = r.total + excluded.total,
        n = r.n + excluded.n;
    IF sign < 0 THEN
        DELETE FROM goal_month WHERE goal_id = m.goal_id AND month = m.month
            AND program_n = 0 AND sites_n = 0;
        DELETE FROM goal_wave_month WHERE goal_id = m.goal_id AND month = m.month AND n = 0
            AND wave_id IN (SELECT wave_id FROM wave_site WHERE site_id = m.site_id);
    END IF;
END $$;

CREATE FUNCTION measurement_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM measurement_delta(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM measurement_delta(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER measurement_rollup_insert AFTER INSERT OR DELETE ON measurement
FOR EACH ROW EXECUTE FUNCTION measurement_rollup();
CREATE TRIGGER measurement_rollup_update
AFTER UPDATE OF goal_id, site_id, month, value ON measurement
FOR EACH ROW EXECUTE FUNCTION measurement_rollup();

CREATE FUNCTION wave_site_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    w wave_site := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
    sign BIGINT := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    INSERT INTO goal_wave_month AS r (program_id, goal_id, wave_id, month, total, n)
    SELECT m.program_id, m.goal_id, w.wave_id, m.month, sign * SUM(m.value), sign * COUNT(*)
    FROM measurement m WHERE m.site_id = w.site_id GROUP BY m.program_id, m.goal_id, m.month
    ON CONFLICT (goal_id, wave_id, month) DO UPDATE SET
        total = r.total + excluded.total,
        n = r.n + excluded.n;
    IF sign < 0 THEN
        DELETE FROM goal_wave_month WHERE wave_id = w.wave_id AND n = 0;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER wave_site_rollup AFTER INSERT OR DELETE ON wave_site
FOR EACH ROW EXECUTE FUNCTION wave_site_rollup();

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
