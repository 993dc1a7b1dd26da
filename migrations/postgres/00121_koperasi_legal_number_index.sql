-- Why: a koperasi is found by its legal number when recipients are imported (whether it is registered already), when drafts or figures name it, and nothing indexed the column: every lookup read all recipients, and on PostgreSQL, which looks a set's keys up one by one, importing 50,000 koperasi into a registry of 100,000 umkm did not finish in ten minutes (issue 16).
-- +goose Up
CREATE INDEX recipients_koperasi_legal_number ON recipients(legal_number) WHERE kind = 'koperasi';

-- +goose Down
DROP INDEX recipients_koperasi_legal_number;
