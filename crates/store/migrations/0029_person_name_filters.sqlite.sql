-- SQLite only: the name index also carries each person's site and job role, after the
-- keyset columns. A list filtered by site, by a site leader's sites, by a wave's sites or
-- by role, in name order, walks this index and tests the filter on its entries, reading a
-- person's row only for those it keeps. Before, it read every row it passed: a page of a
-- site with 3% of the program read about 16,000 rows (20 ms), one of a site of 84 people
-- the whole program's (150 ms); now 1 and 4 ms (docs/performance.md, "Why a small site's
-- export was slow on SQLite"). The roster import rebuilds it about 0.06 s slower.
DROP INDEX ix_person_name;
CREATE INDEX ix_person_name ON person (program_id, name, id, site_id, job_role);
-- A new index has no statistics, and without them the planner takes this covering index
-- for a scan where a primary-key probe is right (a page's missing-courses query: 1.3 s
-- instead of 1 ms on the large demo).
ANALYZE person;
