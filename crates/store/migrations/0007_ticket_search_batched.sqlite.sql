-- New tickets reach the FTS5 index in batches instead of one trigger per INSERT: every FTS5
-- flush costs milliseconds of segment merging whatever its size, which capped intake at
-- about a thousand tickets a second. `ticket_fts_mark` holds the last ticket indexed;
-- `Store` indexes everything after it (ticket/search_index.rs). Edits and deletes of tickets
-- already indexed still go through triggers.
DROP TRIGGER ticket_fts_insert;
CREATE TABLE ticket_fts_mark (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_id BIGINT NOT NULL
);
INSERT INTO ticket_fts_mark (id, last_id) SELECT 1, coalesce(max(id), 0) FROM ticket;
DROP TRIGGER ticket_fts_delete;
CREATE TRIGGER ticket_fts_delete AFTER DELETE ON ticket
WHEN old.id <= (SELECT last_id FROM ticket_fts_mark) BEGIN
  INSERT INTO ticket_fts (ticket_fts, rowid, summary, what_happened) VALUES ('delete', old.id, old.summary, old.what_happened);
END;
DROP TRIGGER ticket_fts_update;
CREATE TRIGGER ticket_fts_update AFTER UPDATE OF summary, what_happened ON ticket
WHEN old.id <= (SELECT last_id FROM ticket_fts_mark) BEGIN
  INSERT INTO ticket_fts (ticket_fts, rowid, summary, what_happened) VALUES ('delete', old.id, old.summary, old.what_happened);
  INSERT INTO ticket_fts (rowid, summary, what_happened) VALUES (new.id, new.summary, new.what_happened);
END;
