package store

import (
	"context"
	"time"

	"pilar/internal/finance"
)

// lookupLimit is the limit in force: LookupLimit, or the default.
func (s *Store) lookupLimit() int {
	if s.LookupLimit > 0 {
		return s.LookupLimit
	}
	return finance.DefaultLookupLimit
}

// countLookup counts a full-identifier lookup (field is nik, nib, phone or
// account_no) by an actor who sees masked data, before it is answered: the
// count is one atomic upsert per user and clock hour, so parallel requests
// and several servers on one database count every lookup once. Lookups up
// to the limit are written to the audit trail, and so is the first one
// past it (action lookup_limited); the rest only count, so that a client
// hammering the limit cannot flood the trail. Roles that see personal data
// are not counted. Errors: too_many_requests with a Retry-After hint.
func (s *Store) countLookup(ctx context.Context, actor *finance.Actor, field, value string) error {
	if actor == nil || actor.SeesPersonalData() {
		return nil
	}
	now := s.Now()
	hour := now.Unix() / int64(finance.LookupWindow/time.Second)
	limit := s.lookupLimit()
	var n int
	// Its own transaction, or the caller's: a SQLite connection holding the
	// write lock cannot wait for a second one.
	err := s.InTx(context.WithoutCancel(ctx), func(tctx context.Context) error {
		db := s.conn(tctx)
		if err := db.Raw(`INSERT INTO identifier_lookups (user_id, hour, lookups) VALUES (?, ?, 1)
			ON CONFLICT (user_id, hour) DO UPDATE SET lookups = identifier_lookups.lookups + 1
			RETURNING lookups`, actor.UserID, hour).Scan(&n).Error; err != nil {
			return err
		}
		if n > limit+1 {
			return nil
		}
		action := "lookup"
		if n > limit {
			action = "lookup_limited"
		}
		return s.audit(tctx, action, "identifier", field, nil, map[string]any{"field": field, "value": maskLookup(value), "lookups_this_hour": n, "limit": limit})
	})
	if err != nil {
		return err
	}
	if n > limit {
		next := time.Unix((hour+1)*int64(finance.LookupWindow/time.Second), 0)
		return finance.WithRetryAfter(finance.Errorf(finance.ETooManyRequests,
			"you have looked up %d identifiers (NIK, NIB, account or phone) this hour, the most allowed; try again after %s, or ask an admin",
			limit, next.UTC().Format("15:04 UTC")), next.Sub(now))
	}
	return nil
}

// maskLookup keeps what a masked view shows of a looked-up value: the first
// four and last four characters.
func maskLookup(v string) string {
	r := []rune(v)
	if len(r) <= 8 {
		return string(r)
	}
	out := make([]rune, len(r))
	for i := range r {
		out[i] = '*'
		if i < 4 || i >= len(r)-4 {
			out[i] = r[i]
		}
	}
	return string(out)
}

// FindLookupExcesses lists who passed the lookup limit in the last 30
// days, newest first (admin, auditor). Errors: unauthorized, forbidden.
func (s *Store) FindLookupExcesses(ctx context.Context) ([]*finance.LookupExcess, error) {
	if _, err := finance.Authorize(ctx, finance.ActReadAdmin, nil); err != nil {
		return nil, err
	}
	secs := int64(finance.LookupWindow / time.Second)
	since := s.Now().Add(-30*24*time.Hour).Unix() / secs
	var rows []struct {
		UserID  int64
		Email   string
		Role    string
		Hour    int64
		Lookups int
	}
	err := s.conn(ctx).Raw(`SELECT l.user_id, u.email, u.role, l.hour, l.lookups FROM identifier_lookups l
		JOIN users u ON u.id = l.user_id WHERE l.hour >= ? AND l.lookups > ? ORDER BY l.hour DESC, u.email LIMIT 200`,
		since, s.lookupLimit()).Scan(&rows).Error
	out := make([]*finance.LookupExcess, len(rows))
	for i, r := range rows {
		out[i] = &finance.LookupExcess{UserID: r.UserID, Email: r.Email, Role: r.Role, Window: time.Unix(r.Hour*secs, 0).UTC(), Lookups: r.Lookups}
	}
	return out, err
}

// ReserveLookups sets aside for one import what is left of the actor's
// identifier lookups this hour (finance.ImportLookups), so that imports
// running side by side cannot each spend the whole hour's; release counts
// the lookups the rows made, in the audit trail as one entry, and gives
// back the rest. An import that never gets to release (a crash) leaves the
// hour's lookups spent: it fails closed. Roles that see personal data are
// not counted. Errors: internal.
func (s *Store) ReserveLookups(ctx context.Context) (context.Context, func() error, error) {
	actor := finance.ActorFrom(ctx)
	if actor == nil || actor.SeesPersonalData() {
		return ctx, func() error { return nil }, nil
	}
	secs := int64(finance.LookupWindow / time.Second)
	hour := s.Now().Unix() / secs
	limit := s.lookupLimit()
	var left int
	err := s.InTx(context.WithoutCancel(ctx), func(tctx context.Context) error {
		var n int
		if err := s.conn(tctx).Raw(`INSERT INTO identifier_lookups (user_id, hour, lookups) VALUES (?, ?, 0)
			ON CONFLICT (user_id, hour) DO UPDATE SET lookups = identifier_lookups.lookups
			RETURNING lookups`, actor.UserID, hour).Scan(&n).Error; err != nil {
			return err
		}
		left = max(limit-n, 0)
		return s.conn(tctx).Exec("UPDATE identifier_lookups SET lookups = lookups + ? WHERE user_id = ? AND hour = ?", left, actor.UserID, hour).Error
	})
	if err != nil {
		return ctx, nil, err
	}
	l := finance.NewImportLookups(left, limit, time.Unix((hour+1)*secs, 0))
	release := func() error {
		return s.InTx(context.WithoutCancel(ctx), func(tctx context.Context) error {
			var n int
			if err := s.conn(tctx).Raw("UPDATE identifier_lookups SET lookups = lookups - ? WHERE user_id = ? AND hour = ? RETURNING lookups",
				l.Unused(), actor.UserID, hour).Scan(&n).Error; err != nil || l.Used() == 0 {
				return err
			}
			return s.audit(tctx, "lookup", "identifier", "nik", nil, map[string]any{"field": "nik", "import_rows": l.Used(), "lookups_this_hour": n, "limit": limit})
		})
	}
	return finance.WithImportLookups(ctx, l), release, nil
}
