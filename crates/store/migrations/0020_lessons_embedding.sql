-- Lessons learned across sites and embedding assignments (issue 6, part 8).

CREATE TABLE lesson (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    title TEXT NOT NULL,
    observation TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    -- retrospective, ticket, readiness_review or other
    source TEXT NOT NULL,
    ticket_id BIGINT REFERENCES ticket (id),
    wave_id BIGINT REFERENCES wave (id),
    site_id BIGINT REFERENCES site (id),
    module_id BIGINT REFERENCES module (id),
    phase TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_lesson_recent ON lesson (program_id, created_at, id);
CREATE INDEX ix_lesson_module ON lesson (module_id);
CREATE INDEX ix_lesson_site ON lesson (site_id);
CREATE INDEX ix_lesson_ticket ON lesson (ticket_id);

-- What a lesson led to: a readiness criterion or a plan task for later waves. No foreign
-- key: the link is kept (and said to be gone) when its target is deleted.
CREATE TABLE lesson_follow_up (
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    lesson_id BIGINT NOT NULL REFERENCES lesson (id) ON DELETE CASCADE,
    -- criterion or task
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    created_at {ts} NOT NULL,
    PRIMARY KEY (lesson_id, kind, target_id)
);

CREATE TABLE embedding (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    person_id BIGINT NOT NULL REFERENCES person (id),
    home_site_id BIGINT NOT NULL REFERENCES site (id),
    host_wave_id BIGINT NOT NULL REFERENCES wave (id),
    host_site_id BIGINT REFERENCES site (id),
    -- observe or work
    role TEXT NOT NULL,
    starts_on {date} NOT NULL,
    ends_on {date} NOT NULL,
    notes TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_embedding_home ON embedding (program_id, home_site_id, id);
CREATE INDEX ix_embedding_person ON embedding (person_id);
CREATE INDEX ix_embedding_host ON embedding (host_wave_id);

-- A site's leaders (active managers) counted from this index alone, never the roster.
-- Queries must say `job_role = 'manager'` literally to use it.
CREATE INDEX ix_person_manager_site ON person (program_id, site_id, active)
    WHERE job_role = 'manager';
