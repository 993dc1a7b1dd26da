-- Why: a revolving program's room to lend is committed less the principal repaid (issue 15); reading that sum over every repayment of the program on each approval would make one write cost more the bigger the program (issue 16), so program_totals holds it too, kept by a trigger in the transaction that records the repayment.
-- Repayments are only recorded on paid loans, a loan with repayments cannot be returned, and repayments are never changed or deleted, so an insert is the only change to follow. CheckProgramTotals recomputes it.
-- +goose Up
ALTER TABLE program_totals ADD COLUMN principal_repaid BIGINT NOT NULL DEFAULT 0;
UPDATE program_totals SET principal_repaid = COALESCE((SELECT SUM(rp.principal) FROM repayments rp
    JOIN disbursements d ON d.id = rp.disbursement_id WHERE d.program_id = program_totals.program_id), 0);

-- +goose StatementBegin
CREATE FUNCTION program_totals_repayment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE program_totals SET principal_repaid = principal_repaid + NEW.principal
    WHERE program_id = (SELECT program_id FROM disbursements WHERE id = NEW.disbursement_id);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER program_totals_repayment AFTER INSERT ON repayments
    FOR EACH ROW EXECUTE FUNCTION program_totals_repayment();

-- +goose Down
DROP TRIGGER program_totals_repayment ON repayments;
DROP FUNCTION program_totals_repayment();
ALTER TABLE program_totals DROP COLUMN principal_repaid;
