package store

import (
	"context"

	"pilar/internal/finance"
)

// checkThrottle refuses a sign-in while the account or the address has
// failed too often within finance.SignInWindow. The failures are rows in the
// database, so every process sharing it counts the same ones.
// Errors: too_many_requests.
func (s *Store) checkThrottle(ctx context.Context, email, addr string) error {
	since := s.Now().Add(-finance.SignInWindow)
	var byEmail, byAddr int64
	q := "SELECT COUNT(*) FROM sign_in_failures WHERE at > ? AND "
	if err := s.conn(ctx).Raw(q+"email = ?", since, email).Scan(&byEmail).Error; err != nil {
		return err
	}
	if err := s.conn(ctx).Raw(q+"addr = ?", since, addr).Scan(&byAddr).Error; err != nil {
		return err
	}
	if byEmail >= finance.MaxFailuresPerAccount || byAddr >= finance.MaxFailuresPerAddr {
		return finance.Errorf(finance.ETooManyRequests, "too many failed sign-ins; wait %d minutes and try again", int(finance.SignInWindow.Minutes()))
	}
	return nil
}

// recordFailure keeps a failed sign-in for throttling and writes it to the
// audit trail, and forgets failures older than the window.
func (s *Store) recordFailure(ctx context.Context, email, addr string) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		now := s.Now()
		db := s.conn(ctx)
		if err := db.Exec("DELETE FROM sign_in_failures WHERE at <= ?", now.Add(-finance.SignInWindow)).Error; err != nil {
			return err
		}
		if err := db.Exec("INSERT INTO sign_in_failures (email, addr, at) VALUES (?, ?, ?)", email, addr, now).Error; err != nil {
			return err
		}
		return s.audit(ctx, "sign_in_failed", "user", email, nil, map[string]string{"addr": addr})
	})
}
