-- Why: the overlaps report lists a year's disbursements that carry flags, a few among hundreds of thousands; a partial index of those rows finds them without reading every disbursement of the year from the table (issue 16).
-- +goose Up
CREATE INDEX disbursements_flagged ON disbursements(program_id, status) WHERE flags <> '[]';

-- +goose Down
DROP INDEX disbursements_flagged;
