-- Roster import (issue 4, part 1): a person's shift, and import jobs whose progress and
-- outcome the pages, the API and the command line show.
--
-- Employee ids: ux_person_employee_id (program_id, employee_id) has been unique since 0001,
-- so no duplicates can exist. NULL stays allowed (people entered by hand, consultants,
-- vendor staff): an import matches a row to such a person by email and gives them the
-- row's employee id. A blank id is the same as none.

UPDATE person SET employee_id = NULL WHERE trim(employee_id) = '';

-- day, evening or night; champions coverage counts end users per unit and shift.
ALTER TABLE person ADD COLUMN shift TEXT;

CREATE TABLE import_job (
    id {id},
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_bytes BIGINT NOT NULL,
    format TEXT NOT NULL,
    -- uploaded (waiting for its mapping), queued, running, done, failed
    status TEXT NOT NULL,
    mode TEXT NOT NULL,
    complete_roster BOOLEAN NOT NULL,
    -- JSON object: Muster field -> the file's header
    mapping TEXT NOT NULL,
    rows_total BIGINT NOT NULL,
    rows_done BIGINT NOT NULL,
    imported BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    deactivated BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    -- The outcome in words, or why the file could not be read.
    message TEXT,
    -- JSON array of the first row errors: {row, field, message}
    row_errors TEXT NOT NULL,
    -- Where the uploaded file and the rejects CSV are kept (the server's import directory).
    upload_path TEXT,
    rejects_path TEXT,
    actor_account_id BIGINT,
    actor TEXT NOT NULL,
    via TEXT NOT NULL,
    created_at {ts} NOT NULL,
    started_at {ts},
    finished_at {ts}
);
CREATE INDEX ix_import_job_program ON import_job (program_id, id);
