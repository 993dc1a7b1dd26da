-- Why: full-identifier lookups (NIK, NIB, account, phone) by roles that see masked data are counted per user and hour in the database, so every server sharing it limits the same users (issue 17, item 4).
-- +goose Up
CREATE TABLE identifier_lookups (
    user_id BIGINT NOT NULL REFERENCES users(id),
    hour    BIGINT NOT NULL,
    lookups INTEGER NOT NULL,
    PRIMARY KEY (user_id, hour)
);
CREATE INDEX identifier_lookups_hour ON identifier_lookups(hour);

-- +goose Down
DROP TABLE identifier_lookups;
