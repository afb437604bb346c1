-- Per-unit champion coverage targets (issue 4, part 4): a unit whose end users need more (or
-- fewer) champions than the program's ratio says so here; no row means the program's target.
-- The override belongs to its unit and goes with it.
CREATE TABLE champion_unit_target (
    unit_id BIGINT PRIMARY KEY REFERENCES unit (id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    end_users_per_champion BIGINT NOT NULL,
    note TEXT,
    updated_at {ts} NOT NULL
);
-- Coverage reads a program's overrides in one query.
CREATE INDEX ix_champion_unit_target_program ON champion_unit_target (program_id, unit_id);
