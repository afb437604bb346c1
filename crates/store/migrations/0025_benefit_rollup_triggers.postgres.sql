-- The database keeps the benefits rollups (migration 0024) on every write, by the rules of
-- the SQLite twin of this file (read its header). Here one function,
-- `measurement_delta_apply`, applies a statement's measurements, each value with a sign,
-- to both rollups; a site joining or leaving a wave adds or takes away its measurements.

-- A measurement's value with a sign: +1 written, -1 replaced or deleted.
CREATE TYPE measurement_delta AS (
    program_id BIGINT,
    goal_id BIGINT,
    site_id BIGINT,
    month BIGINT,
    value DOUBLE PRECISION,
    sign BIGINT
);

CREATE FUNCTION measurement_delta_apply(deltas measurement_delta[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO goal_month AS r (program_id, goal_id, month, program_total, program_n,
                                 sites_total, sites_n)
    SELECT program_id, goal_id, month,
           COALESCE(SUM(sign * value) FILTER (WHERE site_id IS NULL), 0),
           COALESCE(SUM(sign) FILTER (WHERE site_id IS NULL), 0),
           COALESCE(SUM(sign * value) FILTER (WHERE site_id IS NOT NULL), 0),
           COALESCE(SUM(sign) FILTER (WHERE site_id IS NOT NULL), 0)
    FROM unnest(deltas) GROUP BY program_id, goal_id, month
    ON CONFLICT (goal_id, month) DO UPDATE SET
        program_total = r.program_total + excluded.program_total,
        program_n = r.program_n + excluded.program_n,
        sites_total = r.sites_total + excluded.sites_total,
        sites_n = r.sites_n + excluded.sites_n;
    INSERT INTO goal_wave_month AS r (program_id, goal_id, wave_id, month, total, n)
    SELECT d.program_id, d.goal_id, ws.wave_id, d.month, SUM(d.sign * d.value), SUM(d.sign)
    FROM unnest(deltas) d JOIN wave_site ws ON ws.site_id = d.site_id
    GROUP BY d.program_id, d.goal_id, ws.wave_id, d.month
    ON CONFLICT (goal_id, wave_id, month) DO UPDATE SET
        total = r.total + excluded.total,
        n = r.n + excluded.n;
    DELETE FROM goal_month WHERE program_n = 0 AND sites_n = 0
        AND (goal_id, month) IN (SELECT goal_id, month FROM unnest(deltas) WHERE sign < 0);
    DELETE FROM goal_wave_month WHERE n = 0
        AND (goal_id, month) IN (SELECT goal_id, month FROM unnest(deltas) WHERE sign < 0);
END $$;

-- Statement-level triggers: one call per statement (2,000 rows of an import), not per row.
CREATE FUNCTION measurement_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM measurement_delta_apply(ARRAY(SELECT ROW(program_id, goal_id, site_id, month,
        value, 1)::measurement_delta FROM new_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION measurement_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM measurement_delta_apply(ARRAY(
        SELECT ROW(program_id, goal_id, site_id, month, value, -1)::measurement_delta
        FROM old_rows
        UNION ALL
        SELECT ROW(program_id, goal_id, site_id, month, value, 1)::measurement_delta
        FROM new_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION measurement_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM measurement_delta_apply(ARRAY(SELECT ROW(program_id, goal_id, site_id, month,
        value, -1)::measurement_delta FROM old_rows));
    RETURN NULL;
END $$;

CREATE TRIGGER measurement_rollup_insert AFTER INSERT ON measurement
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION measurement_rollup_insert();
CREATE TRIGGER measurement_rollup_update AFTER UPDATE ON measurement
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION measurement_rollup_update();
CREATE TRIGGER measurement_rollup_delete AFTER DELETE ON measurement
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION measurement_rollup_delete();

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
