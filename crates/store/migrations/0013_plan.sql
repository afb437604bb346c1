-- The rollout plan: tasks in a tree (phases > deliverables > tasks), the dependencies between
-- them, the program's working calendar with the holidays of the program and of each site,
-- named baselines, and the itemized cost of a day's delay.
--
-- plan_settings.revision moves with every audited write to the plan (audit::record), so a
-- computed schedule can be kept until the plan changes, across server processes.

CREATE TABLE plan_settings (
    program_id BIGINT PRIMARY KEY REFERENCES program (program_id),
    project_start {date} NOT NULL,
    -- Comma-separated day codes, Monday first: "mon,tue,wed,thu,fri".
    working_weekdays TEXT NOT NULL,
    revision BIGINT NOT NULL,
    updated_at {ts} NOT NULL
);

CREATE TABLE plan_holiday (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    -- NULL: a holiday of the whole program; otherwise of that site only.
    site_id BIGINT REFERENCES site (id),
    day {date} NOT NULL,
    name TEXT NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_plan_holiday ON plan_holiday (program_id, site_id, day);
CREATE INDEX ix_plan_holiday_day ON plan_holiday (program_id, day, id);
CREATE INDEX ix_plan_holiday_site ON plan_holiday (site_id);

CREATE TABLE plan_task (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    parent_id BIGINT REFERENCES plan_task (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    owner_person_id BIGINT REFERENCES person (id),
    site_id BIGINT REFERENCES site (id),
    wave_id BIGINT REFERENCES wave (id),
    module_id BIGINT REFERENCES module (id),
    duration BIGINT NOT NULL,
    milestone BOOLEAN NOT NULL,
    constraint_kind TEXT,
    constraint_date {date},
    percent_complete BIGINT NOT NULL,
    actual_start {date},
    actual_finish {date},
    notes TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_plan_task_tree ON plan_task (program_id, parent_id, position, id);
CREATE INDEX ix_plan_task_list ON plan_task (program_id, id);
CREATE INDEX ix_plan_task_owner ON plan_task (owner_person_id);
CREATE INDEX ix_plan_task_site ON plan_task (site_id);
CREATE INDEX ix_plan_task_wave ON plan_task (wave_id);
CREATE INDEX ix_plan_task_module ON plan_task (module_id);
CREATE INDEX ix_plan_task_parent ON plan_task (parent_id);

CREATE TABLE plan_dependency (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    predecessor_id BIGINT NOT NULL REFERENCES plan_task (id) ON DELETE CASCADE,
    successor_id BIGINT NOT NULL REFERENCES plan_task (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    lag BIGINT NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_plan_dependency ON plan_dependency (predecessor_id, successor_id);
CREATE INDEX ix_plan_dependency_successor ON plan_dependency (successor_id);
CREATE INDEX ix_plan_dependency_list ON plan_dependency (program_id, id);

CREATE TABLE plan_baseline (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    name TEXT NOT NULL,
    notes TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_plan_baseline_name ON plan_baseline (program_id, name);

-- The computed dates of every task when the baseline was saved; tasks added later have none.
CREATE TABLE plan_baseline_task (
    baseline_id BIGINT NOT NULL REFERENCES plan_baseline (id) ON DELETE CASCADE,
    task_id BIGINT NOT NULL REFERENCES plan_task (id) ON DELETE CASCADE,
    start_on {date} NOT NULL,
    finish_on {date} NOT NULL,
    duration BIGINT NOT NULL,
    PRIMARY KEY (baseline_id, task_id)
);
CREATE INDEX ix_plan_baseline_task_task ON plan_baseline_task (task_id);

CREATE TABLE cost_item (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    per_day_cents BIGINT NOT NULL,
    notes TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_cost_item_name ON cost_item (program_id, name);

-- What a person costs the program per day (consultants, vendor staff); feeds the cost of
-- delay.
ALTER TABLE person ADD COLUMN daily_rate_cents BIGINT;
