-- Why: offices report the registry every year (UMKM by class, growth, naik kelas, koperasi health), so a recipient's size class, status and figures are kept with the date from which they hold and the registry answers "as of" any date.
-- +goose Up
ALTER TABLE recipients ADD COLUMN business_volume BIGINT;
ALTER TABLE recipients ADD COLUMN assets BIGINT;
ALTER TABLE recipients ADD COLUMN workforce INTEGER;

CREATE TABLE recipient_history (
    id              BIGSERIAL PRIMARY KEY,
    recipient_id    BIGINT NOT NULL REFERENCES recipients(id),
    valid_from      TEXT NOT NULL,
    size_class      TEXT NOT NULL DEFAULT '',
    active          BOOLEAN,
    members         INTEGER,
    last_rat_year   INTEGER,
    business_volume BIGINT,
    assets          BIGINT,
    workforce       INTEGER,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (recipient_id, valid_from)
);
CREATE INDEX recipient_history_valid_from ON recipient_history(valid_from);
-- Recipients registered before the history hold from the day they were registered.
INSERT INTO recipient_history (recipient_id, valid_from, size_class, active, members, last_rat_year, created_at)
SELECT id, TO_CHAR(created_at, 'YYYY-MM-DD'), size_class, active, members, last_rat_year, created_at FROM recipients;

-- +goose Down
DROP TABLE recipient_history;
ALTER TABLE recipients DROP COLUMN workforce;
ALTER TABLE recipients DROP COLUMN assets;
ALTER TABLE recipients DROP COLUMN business_volume;
