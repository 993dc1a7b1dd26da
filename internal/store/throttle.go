package store

import (
	"context"

	"pilar/internal/finance"
)

// countAttempt counts a sign-in attempt before its password is checked:
// in one short transaction that holds the sign-in lock (an advisory lock on
// PostgreSQL; SQLite's BEGIN IMMEDIATE holds the write lock) it counts the
// attempts of the account and the address within finance.SignInWindow and,
// when both are under their limits, adds this one and commits. So of any
// number of parallel attempts at most the limit reach the password check.
// The row stays as a failure unless the password was right (forgetAttempts).
// It returns the row's id and how many attempts of the account it found.
// Errors: too_many_requests.
func (s *Store) countAttempt(ctx context.Context, email, addr string) (id, before int64, err error) {
	err = s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		if s.driver == "postgres" {
			if err := db.Exec("SELECT pg_advisory_xact_lock(727002)").Error; err != nil {
				return err
			}
		}
		now := s.now(ctx)
		since := now.Add(-finance.SignInWindow)
		if err := db.Exec("DELETE FROM sign_in_failures WHERE at <= ?", since).Error; err != nil {
			return err
		}
		var byAddr int64
		q := "SELECT COUNT(*) FROM sign_in_failures WHERE at > ? AND "
		if err := db.Raw(q+"email = ?", since, email).Scan(&before).Error; err != nil {
			return err
		}
		if err := db.Raw(q+"addr = ?", since, addr).Scan(&byAddr).Error; err != nil {
			return err
		}
		if before >= finance.MaxFailuresPerAccount || byAddr >= finance.MaxFailuresPerAddr {
			return finance.Errorf(finance.ETooManyRequests, "too many failed sign-ins; wait %d minutes and try again", int(finance.SignInWindow.Minutes()))
		}
		return db.Raw("INSERT INTO sign_in_failures (email, addr, at) VALUES (?, ?, ?) RETURNING id", email, addr, now).Scan(&id).Error
	})
	return id, before, err
}

// forgetAttempts clears, after a right password, the account's attempts up
// to and including attempt id; attempts still in flight after it stay counted.
func (s *Store) forgetAttempts(ctx context.Context, email string, id int64) error {
	return s.conn(ctx).Exec("DELETE FROM sign_in_failures WHERE email = ? AND id <= ?", email, id).Error
}
