-- Why: returned money (dana retur) must end in a deposit to the treasury (kas negara or kas daerah) or a re-payment; this records how each return was closed, so the open ones and their age can be listed.
-- +goose Up
CREATE TABLE retur_closures (
    id              INTEGER PRIMARY KEY,
    disbursement_id INTEGER NOT NULL UNIQUE REFERENCES disbursements(id),
    kind            TEXT NOT NULL CHECK (kind IN ('deposit', 'repayment')),
    treasury        TEXT NOT NULL DEFAULT '' CHECK (treasury IN ('', 'kas_negara', 'kas_daerah')),
    closed_on       TEXT NOT NULL,
    reference       TEXT NOT NULL DEFAULT '',
    amount          BIGINT NOT NULL CHECK (amount > 0),
    repayment_id    INTEGER UNIQUE REFERENCES disbursements(id),
    note            TEXT NOT NULL DEFAULT '',
    created_by_id   INTEGER NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE retur_closures;
