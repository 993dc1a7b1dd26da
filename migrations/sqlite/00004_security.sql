-- Why: failed sign-ins are kept in the database so that every Pilar process sharing it throttles the same accounts and addresses.
-- +goose Up
CREATE TABLE sign_in_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    addr  TEXT NOT NULL,
    at    TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures(email, at);
CREATE INDEX sign_in_failures_addr ON sign_in_failures(addr, at);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- +goose Down
DROP INDEX api_tokens_user;
DROP TABLE sign_in_failures;
