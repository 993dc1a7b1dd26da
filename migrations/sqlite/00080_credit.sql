-- Why: credit programs lend: a program says how its loans are repaid (schedule_kind), the interest subsidy it pays (subsidy_rate, basis points) and whether repaid principal returns to the fund (revolving); a loan's terms sit beside its disbursement, and repayments are recorded with their split into interest, principal and excess.
-- +goose Up
ALTER TABLE programs ADD COLUMN schedule_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN subsidy_rate BIGINT NOT NULL DEFAULT 0 CHECK (subsidy_rate >= 0 AND subsidy_rate <= 10000);
ALTER TABLE programs ADD COLUMN revolving BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE loans (
    disbursement_id INTEGER PRIMARY KEY REFERENCES disbursements(id) ON DELETE CASCADE,
    tenor_months    INTEGER NOT NULL CHECK (tenor_months BETWEEN 1 AND 360),
    interest_rate   BIGINT NOT NULL CHECK (interest_rate >= 0 AND interest_rate <= 10000),
    first_due_on    TEXT NOT NULL
);

CREATE TABLE repayments (
    id              INTEGER PRIMARY KEY,
    disbursement_id INTEGER NOT NULL REFERENCES disbursements(id),
    paid_on         TEXT NOT NULL,
    amount          BIGINT NOT NULL CHECK (amount > 0),
    reference       TEXT NOT NULL DEFAULT '',
    interest        BIGINT NOT NULL CHECK (interest >= 0),
    principal       BIGINT NOT NULL CHECK (principal >= 0),
    excess          BIGINT NOT NULL CHECK (excess >= 0),
    created_by_id   INTEGER NOT NULL REFERENCES users(id),
    created_at      TIMESTAMP NOT NULL,
    CHECK (interest + principal + excess = amount)
);
CREATE INDEX repayments_disbursement ON repayments(disbursement_id, paid_on, id);

-- +goose Down
DROP TABLE repayments;
DROP TABLE loans;
ALTER TABLE programs DROP COLUMN revolving;
ALTER TABLE programs DROP COLUMN subsidy_rate;
ALTER TABLE programs DROP COLUMN schedule_kind;
