-- SQLite only: the person table's two single-filter list indexes go. A first roster import
-- defers and rebuilds the non-unique indexes (deferred_index.rs), and each cost about 0.4 s
-- of the 400,000-person import's single SQLite thread (docs/performance.md, "Roster
-- import"). ix_person_site_role_name serves what they served: a site's people by its
-- (program_id, site_id) prefix, sorted per page (a site is a few thousand people); a
-- role's count by skip-scan over the sites (planner statistics, refreshed after such an
-- import); a role's page walks ix_person_name in name order until the page is full.
-- PostgreSQL keeps both (0028's .postgres.sql): it has no skip-scan, and its roster import
-- keeps every index live.
DROP INDEX ix_person_site_name;
DROP INDEX ix_person_role_name;
