-- Full-text search over tickets and known issues (generated tsvector columns, GIN indexes).
ALTER TABLE ticket ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('english', summary || ' ' || what_happened)) STORED;
CREATE INDEX ix_ticket_search ON ticket USING GIN (search);
ALTER TABLE known_issue ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || symptoms || ' ' || workaround)) STORED;
CREATE INDEX ix_known_issue_search ON known_issue USING GIN (search);
