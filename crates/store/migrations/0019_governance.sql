-- Governance (issue 6, parts 5 and 6): governance bodies and their members, the body that
-- holds each decision right, the decision log with links to what a decision affects, and
-- change requests raised directly for a wave and routed to a body.

CREATE TABLE governance_body (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- Site councils govern one site.
    site_id BIGINT REFERENCES site (id),
    charter TEXT,
    cadence TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_governance_body_name ON governance_body (program_id, name);

CREATE TABLE governance_member (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    body_id BIGINT NOT NULL REFERENCES governance_body (id),
    person_id BIGINT NOT NULL REFERENCES person (id),
    role TEXT NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_governance_member ON governance_member (body_id, person_id);
CREATE INDEX ix_governance_member_person ON governance_member (person_id);

-- The body that holds a right; `decider` stays the words shown (the body's name when set).
ALTER TABLE decision_right ADD COLUMN body_id BIGINT REFERENCES governance_body (id);
CREATE INDEX ix_decision_right_body ON decision_right (body_id);

-- The wave a customization would go live in, and the body the request is routed to.
ALTER TABLE change_request ADD COLUMN wave_id BIGINT REFERENCES wave (id);
ALTER TABLE change_request ADD COLUMN body_id BIGINT REFERENCES governance_body (id);
CREATE INDEX ix_change_request_wave ON change_request (wave_id, status);
CREATE INDEX ix_change_request_body ON change_request (body_id, status);
CREATE INDEX ix_change_request_created ON change_request (program_id, status, created_at);

CREATE TABLE decision (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    question TEXT NOT NULL,
    -- The options considered, one per line.
    options TEXT NOT NULL,
    decision TEXT,
    rationale TEXT,
    patient_impact TEXT NOT NULL,
    body_id BIGINT REFERENCES governance_body (id),
    decision_right_id BIGINT REFERENCES decision_right (id),
    -- The right's kind, kept so that filters by kind need no join.
    right_kind TEXT,
    decided_on {date},
    dissent TEXT,
    status TEXT NOT NULL,
    -- question, decision, rationale and patient impact in lower case, for LIKE search.
    search_text TEXT NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_decision_status ON decision (program_id, status, created_at);
CREATE INDEX ix_decision_body ON decision (body_id, status);
CREATE INDEX ix_decision_decided ON decision (program_id, decided_on, id);

-- What a decision affects: kind is wave, site, module, task, change_request or ticket.
CREATE TABLE decision_link (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    decision_id BIGINT NOT NULL REFERENCES decision (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_decision_link ON decision_link (decision_id, kind, target_id);
CREATE INDEX ix_decision_link_target ON decision_link (program_id, kind, target_id);
