-- Which revision of the plan last wrote each task and link, so a schedule kept in memory
-- reads only what changed since the revision it was computed at (`Store::plan_schedule`).
-- NULL means "written since the last revision bump": the triggers below mark every update,
-- inserts start NULL, and `plan::bump_revision` stamps the marked rows with the revision it
-- moves to, under the lock of that move. Deleted tasks and links are kept in plan_removed,
-- marked and stamped the same way (and pruned some revisions later).
ALTER TABLE plan_task ADD COLUMN revision BIGINT;
ALTER TABLE plan_dependency ADD COLUMN revision BIGINT;
UPDATE plan_task SET revision = 0;
UPDATE plan_dependency SET revision = 0;
CREATE INDEX ix_plan_task_revision ON plan_task (program_id, revision);
CREATE INDEX ix_plan_dependency_revision ON plan_dependency (program_id, revision);

CREATE TABLE plan_removed (
    program_id BIGINT NOT NULL,
    entity TEXT NOT NULL,
    row_id BIGINT NOT NULL,
    revision BIGINT
);
CREATE INDEX ix_plan_removed ON plan_removed (program_id, revision);

CREATE TRIGGER plan_task_touched AFTER UPDATE ON plan_task
WHEN NEW.revision IS OLD.revision AND NEW.revision IS NOT NULL
BEGIN UPDATE plan_task SET revision = NULL WHERE id = NEW.id; END;
CREATE TRIGGER plan_dependency_touched AFTER UPDATE ON plan_dependency
WHEN NEW.revision IS OLD.revision AND NEW.revision IS NOT NULL
BEGIN UPDATE plan_dependency SET revision = NULL WHERE id = NEW.id; END;
CREATE TRIGGER plan_task_removed AFTER DELETE ON plan_task
BEGIN INSERT INTO plan_removed (program_id, entity, row_id) VALUES (OLD.program_id, 'plan_task', OLD.id); END;
CREATE TRIGGER plan_dependency_removed AFTER DELETE ON plan_dependency
BEGIN INSERT INTO plan_removed (program_id, entity, row_id) VALUES (OLD.program_id, 'plan_dependency', OLD.id); END;
