-- +goose Up
-- One index on line_id says what two said: a line pays one disbursement
-- (its non-bulk match keys (line, 0)), a bulk line each of its batch once
-- (line, disbursement). Storing a million matches spends its time in the
-- indexes; this is one fewer, and lookups by line_id use its first column.
DROP INDEX recon_matches_line_single;
DROP INDEX recon_matches_line;
CREATE UNIQUE INDEX recon_matches_line ON recon_matches(line_id, (CASE WHEN rule = 'bulk' THEN disbursement_id ELSE 0 END));

-- +goose Down
DROP INDEX recon_matches_line;
CREATE UNIQUE INDEX recon_matches_line ON recon_matches(line_id, disbursement_id);
CREATE UNIQUE INDEX recon_matches_line_single ON recon_matches(line_id) WHERE rule <> 'bulk';
