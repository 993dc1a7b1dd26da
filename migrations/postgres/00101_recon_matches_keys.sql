-- Why: a reconciliation of a million lines spent most of its time inserting matches in foreign-key checks (one RI trigger query a key a row, a row lock on each parent); the run writes ids it has just read under the agency's lock, so only the line key stays a foreign key, and a trigger keeps a matched disbursement from being deleted.
-- +goose Up
ALTER TABLE recon_matches DROP CONSTRAINT recon_matches_reconciliation_id_fkey;
ALTER TABLE recon_matches DROP CONSTRAINT recon_matches_disbursement_id_fkey;
ALTER TABLE recon_matches DROP CONSTRAINT recon_matches_created_by_id_fkey;
ALTER TABLE recon_matches DROP CONSTRAINT recon_matches_confirmed_by_id_fkey;
-- +goose StatementBegin
CREATE FUNCTION recon_matches_keep_disbursement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM recon_matches WHERE disbursement_id = OLD.id) THEN
        RAISE EXCEPTION 'a disbursement matched to a bank line cannot be deleted' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END $$;
-- +goose StatementEnd
CREATE TRIGGER recon_matches_keep_disbursement BEFORE DELETE ON disbursements
    FOR EACH ROW EXECUTE FUNCTION recon_matches_keep_disbursement();

-- +goose Down
DROP TRIGGER recon_matches_keep_disbursement ON disbursements;
DROP FUNCTION recon_matches_keep_disbursement();
ALTER TABLE recon_matches ADD CONSTRAINT recon_matches_reconciliation_id_fkey FOREIGN KEY (reconciliation_id) REFERENCES reconciliations(id);
ALTER TABLE recon_matches ADD CONSTRAINT recon_matches_disbursement_id_fkey FOREIGN KEY (disbursement_id) REFERENCES disbursements(id);
ALTER TABLE recon_matches ADD CONSTRAINT recon_matches_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES users(id);
ALTER TABLE recon_matches ADD CONSTRAINT recon_matches_confirmed_by_id_fkey FOREIGN KEY (confirmed_by_id) REFERENCES users(id);
