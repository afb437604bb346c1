-- Champions (issue 4, part 4): champions per unit and shift with their modules, and the
-- program's coverage target (end users per champion).

-- A person champions one unit on one shift: a champion supports the peers they work
-- beside, and counting one person twice would overstate coverage.
CREATE TABLE champion (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    person_id BIGINT NOT NULL REFERENCES person (id),
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    -- day, evening or night
    shift TEXT NOT NULL,
    since {date} NOT NULL,
    notes TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_champion_person ON champion (program_id, person_id);
-- Covers the count of champions per unit and shift (all but the person's active flag).
CREATE INDEX ix_champion_unit ON champion (unit_id, shift, since, person_id);
CREATE INDEX ix_champion_since ON champion (program_id, since, id);

CREATE TABLE champion_module (
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    champion_id BIGINT NOT NULL REFERENCES champion (id) ON DELETE CASCADE,
    module_id BIGINT NOT NULL REFERENCES module (id),
    PRIMARY KEY (champion_id, module_id)
);
CREATE INDEX ix_champion_module_module ON champion_module (module_id);

-- No row: the default, one champion per 10 end users.
CREATE TABLE champion_target (
    program_id BIGINT PRIMARY KEY REFERENCES program (program_id),
    end_users_per_champion BIGINT NOT NULL,
    updated_at {ts} NOT NULL
);

-- Coverage counts active people per unit and shift. This index replaces ix_person_unit
-- (whose lookups by unit it still serves) and covers that count, so the person table keeps
-- the same number of indexes for the roster import to maintain.
DROP INDEX ix_person_unit;
CREATE INDEX ix_person_unit_shift ON person (unit_id, shift, active);
