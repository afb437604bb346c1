-- Nothing to do: PostgreSQL's GIN index takes new tickets as they come (fastupdate).
SELECT 1;
