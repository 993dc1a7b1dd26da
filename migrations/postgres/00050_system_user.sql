-- Why: work no person started (command-line imports without --as) is done by a real user row, so foreign keys hold; it is inactive and has no password, so nobody can sign in as it.
-- +goose Up
INSERT INTO users (email, name, role, password_hash, active, created_at)
SELECT 'system', 'Sistem', 'admin', '!', FALSE, CURRENT_TIMESTAMP
WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = 'system');

-- +goose Down
DELETE FROM users WHERE email = 'system' AND password_hash = '!';
