-- Why: TRUNCATE fires no row trigger, so it emptied the append-only audit trail and verify still said intact; a statement-level trigger refuses it (issue 17, item 8). SQLite has no TRUNCATE (its DELETE without WHERE fires audit_log_no_delete), so nothing changes here.
-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
