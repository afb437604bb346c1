-- Readiness evidence as files (issue 4, part 5): the device spreadsheet, the downtime
-- procedure PDF, the rehearsal sign-off scan, uploaded with an attestation or later by its
-- author, never replaced. Kept like ticket attachments, by the same code
-- (store/src/attachment.rs); ticket attachments now say who uploaded them too (older ones
-- stay NULL: their ticket's history names who attached them).

CREATE TABLE readiness_evidence (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    attestation_id BIGINT NOT NULL REFERENCES readiness_attestation (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data {blob} NOT NULL,
    uploaded_by TEXT,
    uploaded_by_account_id BIGINT REFERENCES account (id),
    created_at {ts} NOT NULL
);
CREATE INDEX ix_readiness_evidence_attestation ON readiness_evidence (attestation_id, id);

ALTER TABLE ticket_attachment ADD COLUMN uploaded_by TEXT;
ALTER TABLE ticket_attachment ADD COLUMN uploaded_by_account_id BIGINT REFERENCES account (id);
