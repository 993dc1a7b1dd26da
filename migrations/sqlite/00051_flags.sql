-- Why: a disbursement keeps the flags computed at submit and approve (and pay) and the reason it was approved despite them; a program may refuse amounts other than its fixed one.
-- +goose Up
ALTER TABLE disbursements ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE disbursements ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN amount_per_recipient_strict BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE programs DROP COLUMN amount_per_recipient_strict;
ALTER TABLE disbursements DROP COLUMN override_reason;
ALTER TABLE disbursements DROP COLUMN flags;
