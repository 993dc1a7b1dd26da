package store_test

import (
	"context"
	"testing"
	"time"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

const (
	idle     = 30 * time.Minute
	absolute = 12 * time.Hour
)

// clock fixes the store's time and returns a function that moves it on.
func clock(w *dbtest.World) func(time.Duration) {
	now := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
	w.Store.Now = func() time.Time { return now }
	return func(d time.Duration) { now = now.Add(d) }
}

func TestSessionService_Timeouts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("Idle", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		advance := clock(w)
		id, err := w.Store.CreateSession(ctx, w.Officer)
		if err != nil {
			t.Fatal(err)
		}
		advance(idle - time.Second)
		s, err := w.Store.SessionByID(ctx, id, idle, absolute)
		if err != nil || s.User.ID != w.Officer.ID || s.CSRF == "" {
			t.Fatalf("just before the idle timeout: %v %v", s, err)
		}
		advance(idle + time.Second)
		if _, err := w.Store.SessionByID(ctx, id, idle, absolute); finance.ErrorCode(err) != finance.EUnauthorized {
			t.Fatalf("after the idle timeout: %v, want unauthorized", err)
		}
		// Ended for good: going back in time does not revive it.
		advance(-idle)
		if _, err := w.Store.SessionByID(ctx, id, idle, absolute); finance.ErrorCode(err) != finance.EUnauthorized {
			t.Fatalf("an ended session came back: %v", err)
		}
	})
	t.Run("Absolute", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		advance := clock(w)
		id, err := w.Store.CreateSession(ctx, w.Officer)
		if err != nil {
			t.Fatal(err)
		}
		// Busy all day: never idle, still ended after the absolute timeout.
		for elapsed := time.Duration(0); elapsed < absolute; elapsed += 20 * time.Minute {
			if _, err := w.Store.SessionByID(ctx, id, idle, absolute); err != nil {
				t.Fatalf("at %v: %v", elapsed, err)
			}
			w.Store.WaitBackground() // last_seen_at is written after the request
			advance(20 * time.Minute)
		}
		advance(time.Second)
		if _, err := w.Store.SessionByID(ctx, id, idle, absolute); finance.ErrorCode(err) != finance.EUnauthorized {
			t.Fatalf("after the absolute timeout: %v, want unauthorized", err)
		}
	})
	t.Run("SignOutEverywhere", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		a, _ := w.Store.CreateSession(ctx, w.Officer)
		b, _ := w.Store.CreateSession(ctx, w.Officer)
		other, _ := w.Store.CreateSession(ctx, w.Reviewer)
		if err := w.Store.DeleteUserSessions(w.Ctx(w.Officer)); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{a, b} {
			if _, err := w.Store.SessionByID(ctx, id, idle, absolute); finance.ErrorCode(err) != finance.EUnauthorized {
				t.Fatalf("a session survived: %v", err)
			}
		}
		if _, err := w.Store.SessionByID(ctx, other, idle, absolute); err != nil {
			t.Fatalf("another user's session ended: %v", err)
		}
		if err := w.Store.DeleteUserSessions(ctx); finance.ErrorCode(err) != finance.EUnauthorized {
			t.Fatalf("without an actor: %v", err)
		}
	})
}

func TestUserService_Authenticate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		u, err := w.Store.Authenticate(ctx, " OFFICER@pilar.test ", dbtest.Password, "192.0.2.1")
		if err != nil || u.ID != w.Officer.ID {
			t.Fatalf("%v %v", u, err)
		}
	})
	t.Run("ErrTooManyRequests", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		advance := clock(w)
		for i := range finance.MaxFailuresPerAccount {
			if _, err := w.Store.Authenticate(ctx, w.Officer.Email, "wrong-password", "192.0.2.1"); finance.ErrorCode(err) != finance.EUnauthorized {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if _, err := w.Store.Authenticate(ctx, w.Officer.Email, dbtest.Password, "192.0.2.2"); finance.ErrorCode(err) != finance.ETooManyRequests {
			t.Fatalf("after %d failures: %v, want too_many_requests", finance.MaxFailuresPerAccount, err)
		}
		advance(finance.SignInWindow)
		if _, err := w.Store.Authenticate(ctx, w.Officer.Email, dbtest.Password, "192.0.2.2"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// A success clears the account's failures.
		for range finance.MaxFailuresPerAccount - 1 {
			w.Store.Authenticate(ctx, w.Officer.Email, "wrong-password", "192.0.2.3")
		}
		if _, err := w.Store.Authenticate(ctx, w.Officer.Email, dbtest.Password, "192.0.2.3"); err != nil {
			t.Fatalf("4 failures after a success: %v", err)
		}
	})
	t.Run("ErrDeactivated", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		if _, err := w.Store.DeactivateUser(w.Ctx(w.Officer), w.Reviewer.ID); finance.ErrorCode(err) != finance.EForbidden {
			t.Fatalf("officer deactivates: %v", err)
		}
		u, err := w.Store.DeactivateUser(w.Ctx(w.Admin), w.Officer.ID)
		if err != nil || u.Active {
			t.Fatalf("%v %v", u, err)
		}
		if _, err := w.Store.Authenticate(ctx, w.Officer.Email, dbtest.Password, "192.0.2.1"); finance.ErrorCode(err) != finance.EUnauthorized {
			t.Fatalf("a deactivated user: %v", err)
		}
		if _, _, err := w.Store.CreateToken(finance.WithActor(ctx, finance.System), w.Officer.Email, "x"); finance.ErrorCode(err) != finance.ENotFound {
			t.Fatalf("a token for a deactivated user: %v", err)
		}
	})
}

func TestUserService_Tokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := dbtest.NewWorld(t)
	advance := clock(w)
	if _, _, err := w.Store.CreateToken(w.Ctx(w.Auditor), w.Officer.Email, "x"); finance.ErrorCode(err) != finance.EForbidden {
		t.Fatalf("auditor creates a token: %v", err)
	}
	secret, tk, err := w.Store.CreateToken(w.Ctx(w.Admin), w.Officer.Email, "impor")
	if err != nil {
		t.Fatal(err)
	}
	advance(time.Hour)
	if u, err := w.Store.UserByToken(ctx, secret); err != nil || u.ID != w.Officer.ID {
		t.Fatalf("%v %v", u, err)
	}
	w.Store.WaitBackground() // last_used_at is written after the request
	list, err := w.Store.FindTokens(w.Ctx(w.Auditor))
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %v", list, err)
	}
	if got := list[0]; got.ID != tk.ID || got.User != w.Officer.Email || got.LastUsedAt == nil || !got.LastUsedAt.Equal(w.Store.Now()) {
		t.Fatalf("token %+v, want last used now", got)
	}
	if _, err := w.Store.FindTokens(w.Ctx(w.Officer)); finance.ErrorCode(err) != finance.EForbidden {
		t.Fatalf("officer lists tokens: %v", err)
	}
	if err := w.Store.RevokeToken(w.Ctx(w.Auditor), tk.ID); finance.ErrorCode(err) != finance.EForbidden {
		t.Fatalf("auditor revokes: %v", err)
	}
	if err := w.Store.RevokeToken(w.Ctx(w.Admin), tk.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.UserByToken(ctx, secret); finance.ErrorCode(err) != finance.EUnauthorized {
		t.Fatalf("a revoked token: %v", err)
	}
	if err := w.Store.RevokeToken(w.Ctx(w.Admin), tk.ID); finance.ErrorCode(err) != finance.ENotFound {
		t.Fatalf("revoked twice: %v", err)
	}
}

// TestUserService_NeedsAnActor shows that creating users and tokens is
// authorized like every other write: without an actor it is refused (it
// used to be skipped), the command line acts as the system, others as
// themselves.
func TestUserService_NeedsAnActor(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	in := finance.UserInput{Email: "baru@pilar.test", Name: "Baru", Role: finance.RoleAuditor, Password: dbtest.Password}
	entries := auditCount(t, w)
	if _, err := w.Store.CreateUser(context.Background(), in); finance.ErrorCode(err) != finance.EUnauthorized {
		t.Fatalf("CreateUser without an actor: %v, want unauthorized", err)
	}
	if _, _, err := w.Store.CreateToken(context.Background(), w.Admin.Email, "x"); finance.ErrorCode(err) != finance.EUnauthorized {
		t.Fatalf("CreateToken without an actor: %v, want unauthorized", err)
	}
	for _, u := range []*finance.User{w.Officer, w.Reviewer, w.Auditor} {
		if _, err := w.Store.CreateUser(w.Ctx(u), in); finance.ErrorCode(err) != finance.EForbidden {
			t.Fatalf("CreateUser as %s: %v, want forbidden", u.Role, err)
		}
		if _, _, err := w.Store.CreateToken(w.Ctx(u), u.Email, "x"); finance.ErrorCode(err) != finance.EForbidden {
			t.Fatalf("CreateToken as %s: %v, want forbidden", u.Role, err)
		}
	}
	if _, _, err := w.Store.CreateToken(w.Ctx(w.Admin), w.Officer.Email, "a\x00b"); finance.ErrorCode(err) != finance.EValidation {
		t.Fatalf("a label with a NUL: %v", err)
	}
	if n := auditCount(t, w); n != entries {
		t.Fatalf("refused calls wrote %d audit entries", n-entries)
	}
	db, _ := w.Store.DB()
	var last int64
	if err := db.QueryRow("SELECT MAX(id) FROM audit_log").Scan(&last); err != nil {
		t.Fatal(err)
	}
	sys := finance.WithActor(context.Background(), finance.System)
	u, err := w.Store.CreateUser(sys, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.Store.CreateToken(sys, u.Email, "cli"); err != nil {
		t.Fatal(err)
	}
	got, _, err := w.Store.FindAuditEntries(w.Ctx(w.Admin), finance.AuditFilter{Page: finance.Page{Cursor: last}})
	if err != nil || len(got) != 2 || got[0].Actor != "system" || got[1].Actor != "system" || got[0].Entity != "user" || got[1].Entity != "api_token" {
		t.Fatalf("audit entries %v, %v; want a user and a token created by system", got, err)
	}
}
