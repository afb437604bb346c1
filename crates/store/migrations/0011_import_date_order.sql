-- LMS completions import (issue 4): how an import reads slashed dates such as 03/04/2027.
-- either: told apart by their numbers, ambiguous ones refused (what imports did before);
-- month_first (US LMS exports); day_first.

ALTER TABLE import_job ADD COLUMN date_order TEXT NOT NULL DEFAULT 'either';
