-- Stakeholder groups (issue 6 part 2), their stance over time, their commitments (part 3),
-- ADKAR change-readiness assessments per group and site (part 4), and RACI assignments on
-- plan deliverables (part 7).

CREATE TABLE stakeholder_group (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    -- NULL: a program-wide group; otherwise the site the group belongs to.
    site_id BIGINT REFERENCES site (id),
    interests TEXT NOT NULL,
    gains TEXT NOT NULL,
    concessions TEXT NOT NULL,
    influence TEXT NOT NULL,
    stance TEXT NOT NULL,
    leader_person_id BIGINT REFERENCES person (id),
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_stakeholder_group_name ON stakeholder_group (program_id, name);
CREATE INDEX ix_stakeholder_group_list ON stakeholder_group (program_id, id);
CREATE INDEX ix_stakeholder_group_site ON stakeholder_group (site_id);
CREATE INDEX ix_stakeholder_group_leader ON stakeholder_group (leader_person_id);

-- One row per stance a group has held: written when the group is created and whenever its
-- stance changes, in the same transaction as the audited write.
CREATE TABLE stakeholder_stance (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    group_id BIGINT NOT NULL REFERENCES stakeholder_group (id),
    stance TEXT NOT NULL,
    changed_at {ts} NOT NULL,
    changed_by TEXT NOT NULL
);
CREATE INDEX ix_stakeholder_stance_group ON stakeholder_stance (group_id, changed_at, id);

-- Overdue is computed (open and past due), never stored.
CREATE TABLE commitment (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    group_id BIGINT NOT NULL REFERENCES stakeholder_group (id),
    what TEXT NOT NULL,
    due_on {date} NOT NULL,
    status TEXT NOT NULL,
    -- The day it was done: set when the status becomes done, for progress over time.
    done_on {date},
    evidence TEXT,
    owner_person_id BIGINT REFERENCES person (id),
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_commitment_list ON commitment (program_id, due_on, id);
CREATE INDEX ix_commitment_open ON commitment (program_id, status, due_on);
CREATE INDEX ix_commitment_group ON commitment (group_id, due_on);
CREATE INDEX ix_commitment_owner ON commitment (owner_person_id);

CREATE TABLE adkar_assessment (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    group_id BIGINT NOT NULL REFERENCES stakeholder_group (id),
    -- NULL: the group as a whole.
    site_id BIGINT REFERENCES site (id),
    assessed_on {date} NOT NULL,
    awareness BIGINT NOT NULL,
    desire BIGINT NOT NULL,
    knowledge BIGINT NOT NULL,
    ability BIGINT NOT NULL,
    reinforcement BIGINT NOT NULL,
    notes TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_adkar_list ON adkar_assessment (program_id, assessed_on, id);
CREATE INDEX ix_adkar_group ON adkar_assessment (group_id, site_id, assessed_on);
CREATE INDEX ix_adkar_site ON adkar_assessment (site_id);

-- Who is responsible, accountable, consulted or informed for a plan deliverable: a person,
-- or (not for accountable) a stakeholder group.
CREATE TABLE raci_assignment (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    task_id BIGINT NOT NULL REFERENCES plan_task (id),
    role TEXT NOT NULL,
    person_id BIGINT REFERENCES person (id),
    group_id BIGINT REFERENCES stakeholder_group (id),
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_raci_list ON raci_assignment (program_id, task_id, id);
CREATE INDEX ix_raci_task ON raci_assignment (task_id);
CREATE INDEX ix_raci_person ON raci_assignment (person_id);
CREATE INDEX ix_raci_group ON raci_assignment (group_id);
-- One accountable per deliverable: the store refuses a second with the deliverable's and
-- the holder's names; this index is the guarantee under concurrent writes.
CREATE UNIQUE INDEX ux_raci_accountable ON raci_assignment (task_id) WHERE role = 'accountable';
CREATE UNIQUE INDEX ux_raci_person_role ON raci_assignment (task_id, role, person_id);
