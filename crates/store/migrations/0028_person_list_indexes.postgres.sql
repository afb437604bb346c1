-- Nothing on PostgreSQL: see 0028_person_list_indexes.sqlite.sql. It keeps
-- ix_person_site_name and ix_person_role_name (no skip-scan; its roster import does not
-- defer indexes).
SELECT 1;
