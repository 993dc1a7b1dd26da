-- Why: the month and quarter realization reports count committed money in the month it was approved, so the approval date is kept.
-- +goose Up
ALTER TABLE disbursements ADD COLUMN approved_on TEXT;
UPDATE disbursements SET approved_on = COALESCE(paid_on, disbursed_on) WHERE approved_by_id IS NOT NULL;

-- +goose Down
ALTER TABLE disbursements DROP COLUMN approved_on;
