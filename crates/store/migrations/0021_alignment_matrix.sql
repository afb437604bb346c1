-- The alignment matrix (issue 6, part 2): for each stakeholder group and benefit goal,
-- whether the goal is a gain, a concession or neutral for the group, with a note.
CREATE TABLE alignment_cell (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    stakeholder_id BIGINT NOT NULL REFERENCES stakeholder_group (id) ON DELETE CASCADE,
    goal_id BIGINT NOT NULL REFERENCES goal (id) ON DELETE CASCADE,
    -- gain, concession or neutral
    effect TEXT NOT NULL,
    note TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_alignment_cell ON alignment_cell (stakeholder_id, goal_id);
CREATE INDEX ix_alignment_cell_goal ON alignment_cell (goal_id);
CREATE INDEX ix_alignment_cell_program ON alignment_cell (program_id);
