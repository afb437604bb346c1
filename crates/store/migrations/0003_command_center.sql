-- Command center: support teams, SLA policies, tickets and their history, attachments,
-- known issues, decision rights and change requests, notifications, rounding.
-- Ticket clocks are unix seconds (BIGINT): SLA arithmetic and hourly buckets are then plain
-- integer SQL on both databases.

-- One row per program: who leads the command center and the thresholds that raise alarms.
CREATE TABLE command_center (
    program_id BIGINT PRIMARY KEY REFERENCES program (program_id),
    lead_account_id BIGINT REFERENCES account (id),
    -- Nine priority codes, impact (high, medium, low) by urgency (high, medium, low).
    priority_matrix TEXT NOT NULL,
    triage_alarm_minutes BIGINT NOT NULL,
    unassigned_minutes BIGINT NOT NULL,
    breach_warning_percent BIGINT NOT NULL,
    reopen_window_hours BIGINT NOT NULL,
    updated_at {ts} NOT NULL
);

CREATE TABLE support_team (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- Ticket categories this team takes, comma-separated codes; empty for the triage queue.
    categories TEXT NOT NULL,
    module_id BIGINT REFERENCES module (id),
    organization TEXT,
    lead_account_id BIGINT REFERENCES account (id),
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_support_team_name ON support_team (program_id, name);

CREATE TABLE sla_policy (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    priority TEXT NOT NULL,
    response_minutes BIGINT NOT NULL,
    resolve_minutes BIGINT NOT NULL,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_sla_policy_priority ON sla_policy (program_id, priority);

CREATE TABLE known_issue (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    title TEXT NOT NULL,
    symptoms TEXT NOT NULL,
    workaround TEXT NOT NULL,
    module_id BIGINT REFERENCES module (id),
    status TEXT NOT NULL,
    retired_at {ts},
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_known_issue_status ON known_issue (program_id, status, id);

CREATE TABLE decision_right (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    module_id BIGINT REFERENCES module (id),
    change_kind TEXT NOT NULL,
    decider TEXT NOT NULL,
    decider_account_id BIGINT REFERENCES account (id),
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_decision_right_kind ON decision_right (program_id, change_kind);

CREATE TABLE ticket (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    number BIGINT NOT NULL,
    requester_account_id BIGINT REFERENCES account (id),
    requester_name TEXT NOT NULL,
    contact TEXT,
    site_id BIGINT NOT NULL REFERENCES site (id),
    unit_id BIGINT REFERENCES unit (id),
    job_role TEXT,
    module_id BIGINT REFERENCES module (id),
    workflow TEXT,
    summary TEXT NOT NULL,
    what_happened TEXT NOT NULL,
    expected TEXT,
    category TEXT NOT NULL,
    impact TEXT NOT NULL,
    urgency TEXT NOT NULL,
    priority TEXT NOT NULL,
    patient_safety BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    team_id BIGINT NOT NULL REFERENCES support_team (id),
    assignee_account_id BIGINT REFERENCES account (id),
    escalation_level BIGINT NOT NULL,
    known_issue_id BIGINT REFERENCES known_issue (id),
    merged_into_id BIGINT REFERENCES ticket (id),
    resolution_code TEXT,
    resolution_note TEXT,
    reopen_count BIGINT NOT NULL,
    version BIGINT NOT NULL,
    idempotency_key TEXT,
    opened_at BIGINT NOT NULL,
    team_since_at BIGINT NOT NULL,
    responded_at BIGINT,
    resolved_at BIGINT,
    closed_at BIGINT,
    response_due_at BIGINT NOT NULL,
    resolve_due_at BIGINT NOT NULL,
    paused_at BIGINT,
    response_breached BOOLEAN NOT NULL,
    resolve_breached BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_ticket_number ON ticket (program_id, number);
CREATE UNIQUE INDEX ux_ticket_idempotency ON ticket (program_id, requester_account_id, idempotency_key);
-- The list pages newest first under site, status, team and requester filters.
CREATE INDEX ix_ticket_status ON ticket (program_id, status, id);
CREATE INDEX ix_ticket_site_status ON ticket (program_id, site_id, status, id);
CREATE INDEX ix_ticket_team_status ON ticket (program_id, team_id, status, id);
CREATE INDEX ix_ticket_requester ON ticket (program_id, requester_account_id, id);
CREATE INDEX ix_ticket_opened ON ticket (program_id, opened_at);
CREATE INDEX ix_ticket_resolved ON ticket (program_id, resolved_at);
CREATE INDEX ix_ticket_known_issue ON ticket (known_issue_id);
CREATE INDEX ix_ticket_merged_into ON ticket (merged_into_id);

CREATE TABLE ticket_event (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    ticket_id BIGINT NOT NULL REFERENCES ticket (id),
    at BIGINT NOT NULL,
    actor_account_id BIGINT,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX ix_ticket_event_ticket ON ticket_event (ticket_id, id);

CREATE TABLE ticket_attachment (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    ticket_id BIGINT NOT NULL REFERENCES ticket (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data {blob} NOT NULL,
    created_at {ts} NOT NULL
);
CREATE INDEX ix_ticket_attachment_ticket ON ticket_attachment (ticket_id);

CREATE TABLE change_request (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    ticket_id BIGINT REFERENCES ticket (id),
    module_id BIGINT REFERENCES module (id),
    change_kind TEXT NOT NULL,
    title TEXT NOT NULL,
    justification TEXT NOT NULL,
    decision_right_id BIGINT REFERENCES decision_right (id),
    decider TEXT NOT NULL,
    status TEXT NOT NULL,
    decision_note TEXT,
    decided_by TEXT,
    decided_at {ts},
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE INDEX ix_change_request_ticket ON change_request (ticket_id);
CREATE INDEX ix_change_request_status ON change_request (program_id, status, id);

CREATE TABLE notification (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    account_id BIGINT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    ticket_id BIGINT REFERENCES ticket (id),
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    -- Mail: NULL when no mail is due, else pending, sent or failed.
    email_state TEXT,
    email_error TEXT
);
CREATE INDEX ix_notification_account ON notification (account_id, id);
CREATE INDEX ix_notification_email ON notification (email_state, id);

CREATE TABLE rounding (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    person_id BIGINT NOT NULL REFERENCES person (id),
    unit_id BIGINT NOT NULL REFERENCES unit (id),
    shift_date {date} NOT NULL,
    shift TEXT NOT NULL,
    duty TEXT NOT NULL,
    notes TEXT,
    created_at {ts} NOT NULL,
    updated_at {ts} NOT NULL
);
CREATE UNIQUE INDEX ux_rounding ON rounding (program_id, person_id, shift_date, shift);
CREATE INDEX ix_rounding_day ON rounding (program_id, shift_date, unit_id, id);
