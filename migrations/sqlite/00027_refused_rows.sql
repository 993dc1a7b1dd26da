-- Why: the refused rows of an import (with NIKs and accounts) were a file in /tmp that only the writing process could serve; they are kept in the database, for the importing user only, until they expire (issue 17, item 10).
-- +goose Up
CREATE TABLE refused_rows (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    content    BLOB NOT NULL
);
CREATE INDEX refused_rows_created ON refused_rows(created_at);

-- +goose Down
DROP TABLE refused_rows;
