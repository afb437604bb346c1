-- Nothing on PostgreSQL: see 0029_person_name_filters.sqlite.sql. PostgreSQL keeps
-- ix_person_site_name and ix_person_role_name (0028) and plans by per-value statistics.
SELECT 1;
