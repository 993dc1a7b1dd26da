-- Why: realization by month and quarter groups a year's disbursements by status and the months of approval, payment and return; without statistics of those expressions PostgreSQL guessed 100,000 groups (for the dozen there are) and sorted the year's rows on disk instead of hashing them (issue 16). Extended statistics give the planner the real count once ANALYZE (or autovacuum) has run.
-- +goose Up
CREATE STATISTICS disbursements_months (ndistinct) ON status, SUBSTR(approved_on, 1, 7), SUBSTR(paid_on, 1, 7), SUBSTR(returned_on, 1, 7) FROM disbursements;

-- +goose Down
DROP STATISTICS disbursements_months;
