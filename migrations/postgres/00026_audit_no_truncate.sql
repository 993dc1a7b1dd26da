-- Why: TRUNCATE fires no row trigger, so it emptied the append-only audit trail and verify still said intact; a statement-level trigger refuses it (issue 17, item 8).
-- +goose Up
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TRIGGER audit_log_no_truncate ON audit_log;
