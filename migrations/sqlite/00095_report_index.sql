-- Why: the reports sum a year's disbursements per program by status (realization, coverage, reconciliation; the months of approval, payment and return; whether reconciled); an index holding every column they read answers them from the index alone instead of visiting a million table rows, and its prefix (program_id, status) serves every query the index it replaces served.
-- +goose Up
CREATE INDEX disbursements_report ON disbursements(program_id, status, recipient_id, amount, paid_on, approved_on, returned_on, reconciled);
DROP INDEX disbursements_program_status;

-- +goose Down
CREATE INDEX disbursements_program_status ON disbursements(program_id, status);
DROP INDEX disbursements_report;
