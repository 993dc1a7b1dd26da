-- Why: the first schema: agencies, users and their tokens and sessions, programs with budget revisions, recipients and disbursements. Amounts are integer sen so SUM is exact.
-- +goose Up
CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','auditor','reviewer','officer')),
    agency_id     INTEGER REFERENCES agencies(id),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    label        TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE programs (
    id                    INTEGER PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    funding_source        TEXT NOT NULL,
    agency_id             INTEGER NOT NULL REFERENCES agencies(id),
    fiscal_year           INTEGER NOT NULL,
    original_budget       BIGINT NOT NULL CHECK (original_budget >= 0),
    budget                BIGINT NOT NULL CHECK (budget >= 0),
    amount_per_recipient  BIGINT,
    target_recipients     INTEGER NOT NULL DEFAULT 0,
    eligible_size_classes TEXT NOT NULL DEFAULT '',
    region_code           TEXT NOT NULL DEFAULT '',
    starts_on             TEXT NOT NULL,
    ends_on               TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'active',
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);
CREATE INDEX programs_agency_year ON programs(agency_id, fiscal_year);

CREATE TABLE budget_revisions (
    id              INTEGER PRIMARY KEY,
    program_id      INTEGER NOT NULL REFERENCES programs(id),
    previous_budget BIGINT NOT NULL,
    budget          BIGINT NOT NULL,
    reason          TEXT NOT NULL,
    approved_by_id  INTEGER NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX budget_revisions_program ON budget_revisions(program_id);

CREATE TABLE recipients (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    owner_name     TEXT NOT NULL DEFAULT '',
    nik            TEXT NOT NULL DEFAULT '',
    nib            TEXT NOT NULL DEFAULT '',
    npwp           TEXT NOT NULL DEFAULT '',
    sector         TEXT NOT NULL DEFAULT '',
    size_class     TEXT NOT NULL DEFAULT '',
    region_code    TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    bank_code      TEXT NOT NULL DEFAULT '',
    account_no     TEXT NOT NULL DEFAULT '',
    account_holder TEXT NOT NULL DEFAULT '',
    capital        BIGINT,
    annual_sales   BIGINT,
    legal_number   TEXT NOT NULL DEFAULT '',
    members        INTEGER,
    last_rat_year  INTEGER,
    active         BOOLEAN,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX recipients_umkm_nik ON recipients(nik) WHERE kind = 'umkm';
CREATE INDEX recipients_nik ON recipients(nik);
CREATE INDEX recipients_nib ON recipients(nib);
CREATE INDEX recipients_account ON recipients(account_no);
CREATE INDEX recipients_region ON recipients(region_code);

CREATE TABLE disbursements (
    id              INTEGER PRIMARY KEY,
    program_id      INTEGER NOT NULL REFERENCES programs(id),
    recipient_id    INTEGER NOT NULL REFERENCES recipients(id),
    amount          BIGINT NOT NULL CHECK (amount > 0),
    tranche         INTEGER NOT NULL DEFAULT 1,
    form            TEXT NOT NULL DEFAULT 'transfer',
    status          TEXT NOT NULL DEFAULT 'draft',
    disbursed_on    TEXT NOT NULL,
    paid_on         TEXT,
    returned_on     TEXT,
    payment_ref     TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_by_id   INTEGER NOT NULL REFERENCES users(id),
    submitted_by_id INTEGER REFERENCES users(id),
    approved_by_id  INTEGER REFERENCES users(id),
    reconciled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
-- One live disbursement per recipient, program and tranche; rejected and cancelled ones leave room for a new one.
-- The literal list is the set finance.Void (finance.Live is everything else); an index predicate cannot bind arguments.
CREATE UNIQUE INDEX disbursements_one_per_tranche ON disbursements(program_id, recipient_id, tranche)
    WHERE status NOT IN ('rejected', 'cancelled');
CREATE INDEX disbursements_program_status ON disbursements(program_id, status);
CREATE INDEX disbursements_recipient ON disbursements(recipient_id);

-- +goose Down
DROP TABLE disbursements;
DROP TABLE recipients;
DROP TABLE budget_revisions;
DROP TABLE programs;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE agencies;
