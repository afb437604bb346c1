-- A go-live requires the curricula of the modules it brings live (a wave's wave_module
-- rows). So that the readiness scorecard, its drill-down and the provisioning list can
-- ask "has this person completed (and passed) their role's curricula in these modules"
-- from the person's one status row, at a cost that follows people and not progress or
-- completion rows:
-- - each module of a program gets a small number of its own, `bit` (0 to 62, the lowest
--   free one when it is created; a program's 64th module is refused);
-- - each person's status row holds, as bit sets over those numbers, the modules whose
--   curriculum for their role they have completed (`modules_complete`) and completed and
--   passed (`modules_proficient`). A role has at most one curriculum per module
--   (ux_curriculum_role_module), so a module's bit stands for exactly one curriculum.
-- Both are rebuilt with `complete` and `proficient` by every progress rebuild.
ALTER TABLE module ADD COLUMN bit BIGINT;
UPDATE module SET bit = (SELECT COUNT(*) FROM module o
    WHERE o.program_id = module.program_id AND o.id < module.id);
-- More than 63 modules in a program was never seen; those beyond have no bit, and a
-- go-live requiring one counts nobody complete (see training/requirement.rs).
UPDATE module SET bit = NULL WHERE bit > 62;
CREATE UNIQUE INDEX ux_module_bit ON module (program_id, bit);

ALTER TABLE training_status ADD COLUMN modules_complete BIGINT NOT NULL DEFAULT 0;
ALTER TABLE training_status ADD COLUMN modules_proficient BIGINT NOT NULL DEFAULT 0;
UPDATE training_status SET
    modules_complete = (SELECT CAST(COALESCE(SUM(CAST(1 AS BIGINT) << CAST(m.bit AS INTEGER)), 0) AS BIGINT)
        FROM curriculum_progress cp JOIN curriculum c ON c.id = cp.curriculum_id
        JOIN module m ON m.id = c.module_id JOIN person p ON p.id = cp.person_id
        WHERE cp.person_id = training_status.person_id AND c.job_role = p.job_role
        AND cp.done >= cp.required),
    modules_proficient = (SELECT CAST(COALESCE(SUM(CAST(1 AS BIGINT) << CAST(m.bit AS INTEGER)), 0) AS BIGINT)
        FROM curriculum_progress cp JOIN curriculum c ON c.id = cp.curriculum_id
        JOIN module m ON m.id = c.module_id JOIN person p ON p.id = cp.person_id
        WHERE cp.person_id = training_status.person_id AND c.job_role = p.job_role
        AND cp.done >= cp.required AND cp.proficiency_passed = TRUE)
WHERE complete > 0;

-- The figures' covering probe carries the two sets, and the day the last curriculum was
-- completed, which the training forecast reads (a table lookup per person until now).
DROP INDEX ix_training_status_figures;
CREATE INDEX ix_training_status_figures ON training_status
    (person_id, complete, proficient, modules_complete, modules_proficient, last_completed_on);
-- The recreated index needs its statistics (see 0029).
ANALYZE training_status;
