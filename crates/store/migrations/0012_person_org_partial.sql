-- Roster import speed (issue 4): the people list's organization index (the scope of
-- consultants and vendor staff, `organization = ?`) holds only people with an
-- organization. Staff, most of a roster, have none, and every one of them cost an entry
-- inserted in name order on each import. `organization = ?` implies NOT NULL, so both
-- databases still answer the scoped list from this index (docs/performance.md).
DROP INDEX ix_person_org;
CREATE INDEX ix_person_org ON person (program_id, organization, name, id)
    WHERE organization IS NOT NULL;
