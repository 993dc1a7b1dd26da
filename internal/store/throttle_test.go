package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

// signInBatch sends the passwords at once, each from its own address unless
// addr is set, and returns the errors in order.
func signInBatch(w *dbtest.World, email func(i int) string, passwords []string, addr string) []error {
	// At most 20 connections: the test's PostgreSQL is shared (max_connections
	// 100), and the goroutines still race for the same rows.
	if db, err := w.Store.DB(); err == nil {
		db.SetMaxOpenConns(20)
	}
	errs := make([]error, len(passwords))
	var start, done sync.WaitGroup
	start.Add(1)
	for i, pw := range passwords {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			a := addr
			if a == "" {
				a = fmt.Sprintf("198.51.100.%d", i%250)
			}
			_, errs[i] = w.Store.Authenticate(context.Background(), email(i), pw, a)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

func tally(t *testing.T, errs []error) (ok, wrong, throttled int) {
	t.Helper()
	for _, err := range errs {
		switch finance.ErrorCode(err) {
		case "":
			ok++
		case finance.EUnauthorized:
			wrong++
		case finance.ETooManyRequests:
			throttled++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	return ok, wrong, throttled
}

// TestUserService_ParallelSignIns shows that the throttle counts each
// attempt before its password is checked, atomically, on both engines.
func TestUserService_ParallelSignIns(t *testing.T) {
	t.Parallel()
	t.Run("WrongPasswords", func(t *testing.T) {
		// 30 wrong passwords at once for one account: only the limit (5) are
		// checked, the other 25 are refused unchecked.
		w := dbtest.NewWorld(t)
		pw := make([]string, 30)
		for i := range pw {
			pw[i] = "wrong-password"
		}
		_, wrong, throttled := tally(t, signInBatch(w, func(int) string { return w.Officer.Email }, pw, ""))
		if wrong != finance.MaxFailuresPerAccount || throttled != 30-finance.MaxFailuresPerAccount {
			t.Fatalf("%d checked and refused, %d throttled; want %d and %d", wrong, throttled, finance.MaxFailuresPerAccount, 30-finance.MaxFailuresPerAccount)
		}
		if _, err := w.Store.Authenticate(context.Background(), w.Officer.Email, dbtest.Password, "192.0.2.9"); finance.ErrorCode(err) != finance.ETooManyRequests {
			t.Fatalf("the right password after the batch: %v, want too_many_requests", err)
		}
	})
	t.Run("OneRightAmong100", func(t *testing.T) {
		// 99 wrong and 1 right at once, 5 rounds (a fresh account each): the
		// right one gets a session only when fewer than the limit were
		// counted before it; otherwise it is refused like the rest.
		w := dbtest.NewWorld(t)
		sessions := 0
		for round := range 5 {
			email := fmt.Sprintf("round%d@pilar.test", round)
			u, err := w.Store.CreateUser(w.Ctx(w.Admin), finance.UserInput{Email: email, Name: "Round", Role: finance.RoleOfficer,
				Agency: w.Agency.Code, Password: dbtest.Password})
			if err != nil {
				t.Fatal(err)
			}
			pw := make([]string, 100)
			for i := range pw {
				pw[i] = "wrong-password"
			}
			pw[50] = dbtest.Password
			errs := signInBatch(w, func(int) string { return email }, pw, "")
			ok, wrong, throttled := tally(t, errs)
			if ok+wrong+throttled != 100 || ok > 1 {
				t.Fatalf("round %d: %d ok, %d wrong, %d throttled", round, ok, wrong, throttled)
			}
			if ok == 0 {
				if wrong != finance.MaxFailuresPerAccount {
					t.Fatalf("round %d: no session but %d passwords checked and refused; want %d", round, wrong, finance.MaxFailuresPerAccount)
				}
				continue
			}
			sessions++
			// The session was granted within the limit: the audit entry
			// says how many failures were counted before it.
			entries, _, err := w.Store.FindAuditEntries(w.Ctx(w.Admin), finance.AuditFilter{Entity: "user", EntityID: fmt.Sprint(u.ID)})
			if err != nil {
				t.Fatal(err)
			}
			var before = -1
			for _, e := range entries {
				if e.Action == "sign_in" && e.Actor == email {
					var after struct {
						FailuresBefore int `json:"failures_before"`
					}
					json.Unmarshal([]byte(e.After), &after)
					before = after.FailuresBefore
				}
			}
			// Those counted before it: at most limit-1. After it cleared
			// them, at most that many more could be counted.
			if before < 0 || before >= finance.MaxFailuresPerAccount || wrong > finance.MaxFailuresPerAccount+before {
				t.Fatalf("round %d: a session after %d failures counted; %d wrong in all", round, before, wrong)
			}
		}
		t.Logf("5 rounds of 100 attempts: the right password came within the limit in %d", sessions)
	})
	t.Run("OneAddress", func(t *testing.T) {
		// 30 wrong passwords at once from one address, each for another
		// account: only the address limit (20) are checked.
		w := dbtest.NewWorld(t)
		pw := make([]string, 30)
		for i := range pw {
			pw[i] = "wrong-password"
		}
		_, wrong, throttled := tally(t, signInBatch(w, func(i int) string { return fmt.Sprintf("nobody%d@pilar.test", i) }, pw, "203.0.113.7"))
		if wrong != finance.MaxFailuresPerAddr || throttled != 30-finance.MaxFailuresPerAddr {
			t.Fatalf("%d checked, %d throttled; want %d and %d", wrong, throttled, finance.MaxFailuresPerAddr, 30-finance.MaxFailuresPerAddr)
		}
	})
}
