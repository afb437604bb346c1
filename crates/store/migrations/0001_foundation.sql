-- Foundation: the program, its places, its people, accounts and the audit log.
-- Written once for both databases: {id}, {ts} and {date} become each dialect's types.
-- Every table carries program_id, the distribution key if PostgreSQL is ever sharded.

CREATE TABLE program (
    program_id {id},
    name TEXT NOT NULL,
    created_at {ts} NOT NULL
);

CREATE TABLE site (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    region TEXT,
    beds BIGINT,
    expected_users BIGINT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_site_code ON site (program_id, code);
CREATE INDEX ix_site_name ON site (program_id, name, id);

CREATE TABLE unit (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    site_id BIGINT NOT NULL REFERENCES site (id),
    name TEXT NOT NULL,
    code TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_unit_name ON unit (program_id, site_id, name);
CREATE INDEX ix_unit_site ON unit (site_id);

CREATE TABLE module (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_module_code ON module (program_id, code);

CREATE TABLE wave (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    name TEXT NOT NULL,
    go_live {date} NOT NULL,
    notes TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_wave_name ON wave (program_id, name);

CREATE TABLE wave_site (
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    wave_id BIGINT NOT NULL REFERENCES wave (id) ON DELETE CASCADE,
    site_id BIGINT NOT NULL REFERENCES site (id),
    PRIMARY KEY (wave_id, site_id)
);
CREATE INDEX ix_wave_site_site ON wave_site (site_id);

CREATE TABLE person (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    employee_id TEXT,
    job_role TEXT NOT NULL,
    site_id BIGINT REFERENCES site (id),
    unit_id BIGINT REFERENCES unit (id),
    employer_kind TEXT NOT NULL,
    organization TEXT,
    active BOOLEAN NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_person_email ON person (program_id, email);
CREATE UNIQUE INDEX ux_person_employee_id ON person (program_id, employee_id);
-- The people list pages by (name, id) under any mix of site and job-role filters.
CREATE INDEX ix_person_name ON person (program_id, name, id);
CREATE INDEX ix_person_site_name ON person (program_id, site_id, name, id);
CREATE INDEX ix_person_role_name ON person (program_id, job_role, name, id);
CREATE INDEX ix_person_site_role_name ON person (program_id, site_id, job_role, name, id);
CREATE INDEX ix_person_unit ON person (unit_id);
CREATE INDEX ix_person_org ON person (program_id, organization, name, id);

CREATE TABLE account (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    organization TEXT,
    active BOOLEAN NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
-- Sign-in is by email alone, so an email names one account in the whole database.
CREATE UNIQUE INDEX ux_account_email ON account (email);

CREATE TABLE account_site (
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    site_id BIGINT NOT NULL REFERENCES site (id),
    PRIMARY KEY (account_id, site_id)
);
CREATE INDEX ix_account_site_site ON account_site (site_id);

CREATE TABLE session (
    id_hash TEXT PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at {ts} NOT NULL,
    expires_at {ts} NOT NULL
);
CREATE INDEX ix_session_account ON session (account_id);

CREATE TABLE api_token (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at {ts} NOT NULL,
    last_used_at {ts}
);
CREATE UNIQUE INDEX ux_api_token_hash ON api_token (token_hash);

CREATE TABLE audit_log (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    at {ts} NOT NULL,
    actor_account_id BIGINT,
    actor TEXT NOT NULL,
    via TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX ix_audit_at ON audit_log (program_id, id);
CREATE INDEX ix_audit_entity ON audit_log (program_id, entity, entity_id, id);
CREATE INDEX ix_audit_actor ON audit_log (program_id, actor_account_id, id);
