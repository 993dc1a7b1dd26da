-- Why: the reconciliation report sums the disbursements held by an unconfirmed amount mismatch; a partial index of those few matches finds them without probing every disbursement of the year.
-- +goose Up
CREATE INDEX recon_matches_mismatch ON recon_matches(disbursement_id) WHERE rule = 'amount_mismatch' AND kind = 'payment' AND NOT confirmed;

-- +goose Down
DROP INDEX recon_matches_mismatch;
