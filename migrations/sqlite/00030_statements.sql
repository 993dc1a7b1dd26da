-- Why: bank statements with their lines, and reconciliations with the matches they make (issue 11); a statement's fingerprint (account, period, lines) lets a repeated import create nothing.
-- +goose Up
CREATE TABLE statements (
    id              INTEGER PRIMARY KEY,
    agency_id       INTEGER NOT NULL REFERENCES agencies(id),
    account         TEXT NOT NULL,
    currency        TEXT NOT NULL,
    format          TEXT NOT NULL,
    number          TEXT NOT NULL DEFAULT '',
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    opening_balance BIGINT NOT NULL,
    closing_balance BIGINT NOT NULL,
    difference      BIGINT NOT NULL,
    line_count      INTEGER NOT NULL,
    problems        TEXT NOT NULL DEFAULT '',
    fingerprint     TEXT NOT NULL,
    created_by_id   INTEGER NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX statements_fingerprint ON statements(agency_id, fingerprint);

CREATE TABLE statement_lines (
    id                   INTEGER PRIMARY KEY,
    statement_id         INTEGER NOT NULL REFERENCES statements(id),
    seq                  INTEGER NOT NULL,
    source_line          INTEGER NOT NULL,
    booking_date         TEXT NOT NULL,
    value_date           TEXT NOT NULL DEFAULT '',
    amount               BIGINT NOT NULL,
    reference            TEXT NOT NULL DEFAULT '',
    counterparty_account TEXT NOT NULL DEFAULT '',
    counterparty_name    TEXT NOT NULL DEFAULT '',
    description          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX statement_lines_statement ON statement_lines(statement_id, seq);

CREATE TABLE reconciliations (
    id            INTEGER PRIMARY KEY,
    statement_id  INTEGER NOT NULL UNIQUE REFERENCES statements(id),
    window_days   INTEGER NOT NULL,
    created_by_id INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL
);

-- kind is payment (a debit line) or retur (a credit line bringing the money back).
CREATE TABLE recon_matches (
    id                INTEGER PRIMARY KEY,
    reconciliation_id INTEGER NOT NULL REFERENCES reconciliations(id),
    disbursement_id   INTEGER NOT NULL REFERENCES disbursements(id),
    line_id           INTEGER NOT NULL REFERENCES statement_lines(id),
    kind              TEXT NOT NULL CHECK (kind IN ('payment', 'retur')),
    rule              TEXT NOT NULL,
    difference        BIGINT NOT NULL DEFAULT 0,
    confirmed         BOOLEAN NOT NULL,
    created_by_id     INTEGER NOT NULL REFERENCES users(id),
    confirmed_by_id   INTEGER REFERENCES users(id),
    created_at        TIMESTAMP NOT NULL,
    confirmed_at      TIMESTAMP
);
-- A line pays one disbursement (a bulk line a batch); a disbursement is paid by one line and returned by one.
CREATE UNIQUE INDEX recon_matches_line ON recon_matches(line_id, disbursement_id);
CREATE UNIQUE INDEX recon_matches_line_single ON recon_matches(line_id) WHERE rule <> 'bulk';
CREATE UNIQUE INDEX recon_matches_disbursement ON recon_matches(disbursement_id, kind);
CREATE INDEX recon_matches_reconciliation ON recon_matches(reconciliation_id);

-- +goose Down
DROP TABLE recon_matches;
DROP TABLE reconciliations;
DROP TABLE statement_lines;
DROP TABLE statements;
