-- Full-text search over tickets and known issues (FTS5, external content kept by triggers).
CREATE VIRTUAL TABLE ticket_fts USING fts5(summary, what_happened, content='ticket', content_rowid='id');
CREATE TRIGGER ticket_fts_insert AFTER INSERT ON ticket BEGIN
  INSERT INTO ticket_fts (rowid, summary, what_happened) VALUES (new.id, new.summary, new.what_happened);
END;
CREATE TRIGGER ticket_fts_delete AFTER DELETE ON ticket BEGIN
  INSERT INTO ticket_fts (ticket_fts, rowid, summary, what_happened) VALUES ('delete', old.id, old.summary, old.what_happened);
END;
CREATE TRIGGER ticket_fts_update AFTER UPDATE OF summary, what_happened ON ticket BEGIN
  INSERT INTO ticket_fts (ticket_fts, rowid, summary, what_happened) VALUES ('delete', old.id, old.summary, old.what_happened);
  INSERT INTO ticket_fts (rowid, summary, what_happened) VALUES (new.id, new.summary, new.what_happened);
END;
CREATE VIRTUAL TABLE known_issue_fts USING fts5(title, symptoms, workaround, content='known_issue', content_rowid='id');
CREATE TRIGGER known_issue_fts_insert AFTER INSERT ON known_issue BEGIN
  INSERT INTO known_issue_fts (rowid, title, symptoms, workaround) VALUES (new.id, new.title, new.symptoms, new.workaround);
END;
CREATE TRIGGER known_issue_fts_delete AFTER DELETE ON known_issue BEGIN
  INSERT INTO known_issue_fts (known_issue_fts, rowid, title, symptoms, workaround) VALUES ('delete', old.id, old.title, old.symptoms, old.workaround);
END;
CREATE TRIGGER known_issue_fts_update AFTER UPDATE OF title, symptoms, workaround ON known_issue BEGIN
  INSERT INTO known_issue_fts (known_issue_fts, rowid, title, symptoms, workaround) VALUES ('delete', old.id, old.title, old.symptoms, old.workaround);
  INSERT INTO known_issue_fts (rowid, title, symptoms, workaround) VALUES (new.id, new.title, new.symptoms, new.workaround);
END;
