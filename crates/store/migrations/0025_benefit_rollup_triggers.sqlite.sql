-- The database keeps the benefits rollups (migration 0024) on every write.
--
-- Every measurement written, replaced or deleted (a goal's deletion cascades) passes its
-- value with a sign (+1 or -1) through the view `measurement_delta`, whose INSTEAD OF
-- trigger updates both rollups: one place for the rule. A site joining or leaving a wave
-- adds or takes away its measurements from that wave's rows. The PostgreSQL twin of this
-- file keeps the same rules with statement-level triggers.

CREATE VIEW measurement_delta AS
SELECT program_id, goal_id, site_id, month, value, 1 AS sign FROM measurement WHERE 0;

CREATE TRIGGER measurement_delta_apply INSTEAD OF INSERT ON measurement_delta
BEGIN
    INSERT INTO goal_month (program_id, goal_id, month, program_total, program_n,
                            sites_total, sites_n)
    VALUES (NEW.program_id, NEW.goal_id, NEW.month,
            CASE WHEN NEW.site_id IS NULL THEN NEW.sign * NEW.value ELSE 0 END,
            CASE WHEN NEW.site_id IS NULL THEN NEW.sign ELSE 0 END,
            CASE WHEN NEW.site_id IS NULL THEN 0 ELSE NEW.sign * NEW.value END,
            CASE WHEN NEW.site_id IS NULL THEN 0 ELSE NEW.sign END)
    ON CONFLICT (goal_id, month) DO UPDATE SET
        program_total = program_total + excluded.program_total,
        program_n = program_n + excluded.program_n,
        sites_total = sites_total + excluded.sites_total,
        sites_n = sites_n + excluded.sites_n;
    DELETE FROM goal_month WHERE NEW.sign < 0 AND goal_id = NEW.goal_id
        AND month = NEW.month AND program_n = 0 AND sites_n = 0;
    INSERT INTO goal_wave_month (program_id, goal_id, wave_id, month, total, n)
    SELECT NEW.program_id, NEW.goal_id, ws.wave_id, NEW.month, NEW.sign * NEW.value, NEW.sign
    FROM wave_site ws WHERE ws.site_id = NEW.site_id
    ON CONFLICT (goal_id, wave_id, month) DO UPDATE SET
        total = total + excluded.total,
        n = n + excluded.n;
    DELETE FROM goal_wave_month WHERE NEW.sign < 0 AND goal_id = NEW.goal_id
        AND month = NEW.month AND n = 0
        AND wave_id IN (SELECT wave_id FROM wave_site WHERE site_id = NEW.site_id);
END;

CREATE TRIGGER measurement_rollup_insert AFTER INSERT ON measurement
BEGIN
    INSERT INTO measurement_delta
    VALUES (NEW.program_id, NEW.goal_id, NEW.site_id, NEW.month, NEW.value, 1);
END;

CREATE TRIGGER measurement_rollup_update
AFTER UPDATE OF goal_id, site_id, month, value ON measurement
BEGIN
    INSERT INTO measurement_delta
    VALUES (OLD.program_id, OLD.goal_id, OLD.site_id, OLD.month, OLD.value, -1);
    INSERT INTO measurement_delta
    VALUES (NEW.program_id, NEW.goal_id, NEW.site_id, NEW.month, NEW.value, 1);
END;

CREATE TRIGGER measurement_rollup_delete AFTER DELETE ON measurement
BEGIN
    INSERT INTO measurement_delta
    VALUES (OLD.program_id, OLD.goal_id, OLD.site_id, OLD.month, OLD.value, -1);
END;

CREATE TRIGGER wave_site_rollup_insert AFTER INSERT ON wave_site
BEGIN
    INSERT INTO goal_wave_month (program_id, goal_id, wave_id, month, total, n)
    SELECT m.program_id, m.goal_id, NEW.wave_id, m.month, SUM(m.value), COUNT(*)
    FROM measurement m WHERE m.site_id = NEW.site_id GROUP BY m.goal_id, m.month
    ON CONFLICT (goal_id, wave_id, month) DO UPDATE SET
        total = total + excluded.total,
        n = n + excluded.n;
END;

CREATE TRIGGER wave_site_rollup_delete AFTER DELETE ON wave_site
BEGIN
    INSERT INTO goal_wave_month (program_id, goal_id, wave_id, month, total, n)
    SELECT m.program_id, m.goal_id, OLD.wave_id, m.month, -SUM(m.value), -COUNT(*)
    FROM measurement m WHERE m.site_id = OLD.site_id GROUP BY m.goal_id, m.month
    ON CONFLICT (goal_id, wave_id, month) DO UPDATE SET
        total = total + excluded.total,
        n = n + excluded.n;
    DELETE FROM goal_wave_month WHERE wave_id = OLD.wave_id AND n = 0;
END;
