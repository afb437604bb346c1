-- Go-live readiness (issue 4, parts 5 and 7): the criteria catalog, owners' attestations
-- per site (history kept, the latest wins), assessments (a wave's scorecard frozen at a
-- checkpoint or on request, never changed) and go/no-go decisions per wave (with the
-- scorecard they were made on, frozen). Scorecards are stored as JSON text: they are read
-- whole, a few per wave, and must not follow later changes to criteria or sites.

CREATE TABLE readiness_criterion (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    name TEXT NOT NULL,
    description TEXT,
    measure TEXT NOT NULL,
    threshold DOUBLE PRECISION NOT NULL,
    amber_band DOUBLE PRECISION NOT NULL,
    weight BIGINT NOT NULL,
    owner TEXT NOT NULL,
    owner_account_id BIGINT REFERENCES account (id),
    active BOOLEAN NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_readiness_criterion_name ON readiness_criterion (program_id, name);
CREATE INDEX ix_readiness_criterion_owner ON readiness_criterion (owner_account_id);

CREATE TABLE readiness_attestation (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    criterion_id BIGINT NOT NULL REFERENCES readiness_criterion (id),
    site_id BIGINT NOT NULL REFERENCES site (id),
    status TEXT NOT NULL,
    evidence TEXT NOT NULL,
    evidence_url TEXT,
    attested_on {date} NOT NULL,
    attested_by TEXT NOT NULL,
    attested_by_account_id BIGINT REFERENCES account (id),
    recorded_at {ts} NOT NULL
);
-- The latest per criterion and site, and a site's history.
CREATE INDEX ix_readiness_attestation_latest
    ON readiness_attestation (criterion_id, site_id, attested_on, id);
CREATE INDEX ix_readiness_attestation_site ON readiness_attestation (site_id, id);

CREATE TABLE readiness_assessment (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    wave_id BIGINT NOT NULL REFERENCES wave (id),
    -- NULL for an ad hoc assessment; at most one per checkpoint.
    checkpoint TEXT,
    taken_on {date} NOT NULL,
    taken_at {ts} NOT NULL,
    taken_by TEXT NOT NULL,
    automatic BOOLEAN NOT NULL,
    scorecard TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_readiness_assessment_checkpoint
    ON readiness_assessment (wave_id, checkpoint);
CREATE INDEX ix_readiness_assessment_wave ON readiness_assessment (wave_id, taken_at, id);

CREATE TABLE readiness_gate (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    wave_id BIGINT NOT NULL REFERENCES wave (id),
    decision TEXT NOT NULL,
    rationale TEXT NOT NULL,
    conditions TEXT,
    dissent TEXT,
    decided_by TEXT NOT NULL,
    decided_by_account_id BIGINT REFERENCES account (id),
    decider TEXT NOT NULL,
    decided_at {ts} NOT NULL,
    scorecard TEXT NOT NULL
);
CREATE INDEX ix_readiness_gate_wave ON readiness_gate (wave_id, decided_at, id);
