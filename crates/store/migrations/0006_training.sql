-- Training: courses, curricula (job role x module), classroom sessions with enrollment and
-- waitlist, completions, proficiency assessments, follow-ups, per-person curriculum
-- progress, and the secret calendar-feed links.
--
-- Completions can run to millions of rows. Figures by site and role read
-- curriculum_progress (per person and curriculum) and training_status (per person), kept up
-- to date whenever completions or assessments are written, so their cost follows people,
-- not rows.

CREATE TABLE course (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    hours DOUBLE PRECISION NOT NULL,
    module_id BIGINT REFERENCES module (id),
    advanced BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_course_code ON course (program_id, code);
CREATE INDEX ix_course_title ON course (program_id, title, id);
CREATE INDEX ix_course_module ON course (module_id);

CREATE TABLE curriculum (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    name TEXT NOT NULL,
    job_role TEXT NOT NULL,
    module_id BIGINT NOT NULL REFERENCES module (id),
    -- NULL: the sum of the courses' hours.
    hours_entered DOUBLE PRECISION,
    pass_mark BIGINT NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_curriculum_name ON curriculum (program_id, name);
CREATE UNIQUE INDEX ux_curriculum_role_module ON curriculum (program_id, job_role, module_id);
CREATE INDEX ix_curriculum_module ON curriculum (module_id);

CREATE TABLE curriculum_course (
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    curriculum_id BIGINT NOT NULL REFERENCES curriculum (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES course (id),
    position BIGINT NOT NULL,
    PRIMARY KEY (curriculum_id, course_id)
);
CREATE INDEX ix_curriculum_course_course ON curriculum_course (course_id, curriculum_id);

CREATE TABLE training_session (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    course_id BIGINT NOT NULL REFERENCES course (id),
    starts_at {ts} NOT NULL,
    ends_at {ts} NOT NULL,
    site_id BIGINT NOT NULL REFERENCES site (id),
    room TEXT NOT NULL,
    trainer_person_id BIGINT NOT NULL REFERENCES person (id),
    capacity BIGINT NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_training_session_start ON training_session (program_id, starts_at, id);
CREATE INDEX ix_training_session_course ON training_session (course_id);
CREATE INDEX ix_training_session_site ON training_session (site_id, starts_at);
CREATE INDEX ix_training_session_trainer ON training_session (trainer_person_id);

CREATE TABLE enrollment (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    session_id BIGINT NOT NULL REFERENCES training_session (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES person (id),
    status TEXT NOT NULL,
    waitlist_position BIGINT,
    enrolled_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_enrollment ON enrollment (session_id, person_id);
CREATE INDEX ix_enrollment_person ON enrollment (person_id, session_id);

-- One per person and course; a later completion replaces the earlier one.
CREATE TABLE completion (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    person_id BIGINT NOT NULL REFERENCES person (id),
    course_id BIGINT NOT NULL REFERENCES course (id),
    completed_on {date} NOT NULL,
    source TEXT NOT NULL,
    score BIGINT,
    recorded_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_completion ON completion (person_id, course_id);
CREATE INDEX ix_completion_course ON completion (course_id, person_id);
CREATE INDEX ix_completion_list ON completion (program_id, id);

CREATE TABLE assessment (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    person_id BIGINT NOT NULL REFERENCES person (id),
    curriculum_id BIGINT NOT NULL REFERENCES curriculum (id),
    score BIGINT NOT NULL,
    pass_mark BIGINT NOT NULL,
    passed BOOLEAN NOT NULL,
    assessed_on {date} NOT NULL,
    assessor TEXT NOT NULL,
    recorded_at {ts} NOT NULL
);
CREATE INDEX ix_assessment_person ON assessment (person_id, curriculum_id, assessed_on, id);
CREATE INDEX ix_assessment_curriculum ON assessment (curriculum_id);
CREATE INDEX ix_assessment_list ON assessment (program_id, id);

CREATE TABLE follow_up (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    person_id BIGINT NOT NULL REFERENCES person (id),
    course_id BIGINT REFERENCES course (id),
    topic TEXT NOT NULL,
    reason TEXT NOT NULL,
    due_on {date} NOT NULL,
    status TEXT NOT NULL,
    notes TEXT,
    -- What suggested it ("assessment:31", "how_to:2"), so suggesting again adds nothing.
    source_key TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_follow_up_source ON follow_up (program_id, person_id, source_key);
CREATE INDEX ix_follow_up_person ON follow_up (person_id, id);
CREATE INDEX ix_follow_up_due ON follow_up (program_id, status, due_on, id);
CREATE INDEX ix_follow_up_course ON follow_up (course_id);

-- Derived from completion, curriculum_course and assessment; rebuilt for the people a
-- write touches (Store::refresh_training_progress).
CREATE TABLE curriculum_progress (
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    person_id BIGINT NOT NULL REFERENCES person (id),
    curriculum_id BIGINT NOT NULL REFERENCES curriculum (id) ON DELETE CASCADE,
    required BIGINT NOT NULL,
    done BIGINT NOT NULL,
    proficiency_passed BOOLEAN NOT NULL,
    completed_on {date},
    PRIMARY KEY (person_id, curriculum_id)
);
CREATE INDEX ix_curriculum_progress_curriculum ON curriculum_progress (curriculum_id);

-- One row per person with any progress: how many curricula of their role they have
-- completed, and completed with proficiency passed. The figures by site and role read one
-- row per person from here, whatever the number of completions behind it.
CREATE TABLE training_status (
    person_id BIGINT PRIMARY KEY REFERENCES person (id),
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    complete BIGINT NOT NULL,
    proficient BIGINT NOT NULL,
    -- When the latest of their complete curricula was completed.
    last_completed_on {date}
);
CREATE INDEX ix_training_status_program ON training_status (program_id);
-- Covers the figures' probe per person: a person with a row costs what one without does.
CREATE INDEX ix_training_status_figures ON training_status (person_id, complete, proficient);

-- A per-account secret link to the session calendar (stored as its SHA-256).
CREATE TABLE calendar_feed (
    account_id BIGINT PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    secret_hash TEXT NOT NULL,
    created_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_calendar_feed_secret ON calendar_feed (secret_hash);
