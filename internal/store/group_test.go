package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/store"
)

// holdWriter takes the writer slot with a transaction of its own until
// the returned function is called, so that the transactions started
// meanwhile queue and then run as one group (SQLite). On PostgreSQL,
// which has no slot, it holds nothing.
func holdWriter(t *testing.T, w *dbtest.World) (release func()) {
	t.Helper()
	held, free, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- w.Store.InTx(context.Background(), func(context.Context) error {
			close(held)
			<-free
			return nil
		})
	}()
	<-held
	return func() {
		close(free)
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// waitQueued waits until n transactions wait in the store's commit group
// on SQLite; on PostgreSQL, where they do not queue, until the calls
// started so far (wg) have returned, so that they run in the same order.
func waitQueued(w *dbtest.World, wg *sync.WaitGroup, n int) {
	if w.Store.Driver() != "sqlite" {
		wg.Wait()
	}
	for w.Store.Driver() == "sqlite" && store.QueuedTx(w.Store) < n {
		time.Sleep(time.Millisecond)
	}
}

// TestCreateDisbursement_Grouped sends creates at once, some of which must
// fail, so that on SQLite they are committed as one group: each answer is
// its own (a duplicate names the draft of the same group holding its
// tranche), the failures leave nothing, each created draft has its one
// audit entry in a chain that verifies, the program totals are exact, and
// the answer is the row as read back.
func TestCreateDisbursement_Grouped(t *testing.T) {
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "PEN-GROUP-2024", "1000000000")
	other, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
		Code: ptr("PEN-OTHER-2024"), Name: ptr("Program lain"), Kind: ptr("grant"), FundingSource: ptr("PEN"),
		Agency: ptr(w.OtherAgency.Code), FiscalYear: ptr(2024), Budget: raw("1000000000"),
		StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	rs := make([]*finance.Recipient, 6)
	for i := range rs {
		rs[i] = newRecipient(t, w)
	}
	type call struct {
		in   finance.DisbursementInput
		want string // error code, "" for created
	}
	in := func(program string, r int64, on string) finance.DisbursementInput {
		return finance.DisbursementInput{Program: ptr(program), RecipientID: ptr(r), Amount: raw("2400000.00"), DisbursedOn: ptr(on)}
	}
	calls := []call{
		{in(p.Code, rs[0].ID, "2024-03-01"), ""},
		{in(p.Code, rs[1].ID, "2024-03-01"), ""},
		{in(p.Code, rs[0].ID, "2024-03-02"), finance.EDuplicate}, // rs[0]'s tranche 1, taken by the first
		{in(p.Code, 999999, "2024-03-01"), finance.EValidation},
		{in(p.Code, rs[2].ID, "2025-03-01"), finance.EValidation},    // after the program's end
		{in(other.Code, rs[3].ID, "2024-03-01"), finance.EForbidden}, // the officer's agency is not the program's
		{in(p.Code, rs[4].ID, "2024-03-01"), ""},
		{in(p.Code, rs[5].ID, "2024-03-01"), ""},
	}
	octx := w.Ctx(w.Officer)
	release := holdWriter(t, w)
	got := make([]*finance.Disbursement, len(calls))
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, c := range calls {
		// One at a time into the queue, so that the first of rs[0]'s two
		// is the one that holds the tranche.
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = w.Store.CreateDisbursement(octx, c.in)
		}()
		waitQueued(w, &wg, i+1)
	}
	release()
	wg.Wait()
	created := 0
	for i, c := range calls {
		if code := finance.ErrorCode(errs[i]); code != c.want {
			t.Errorf("call %d: error %v (%s), want %q", i, errs[i], code, c.want)
			continue
		}
		if c.want != "" {
			continue
		}
		created++
		back, err := w.Store.FindDisbursementByID(octx, got[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(got[i])
		b, _ := json.Marshal(back)
		if string(a) != string(b) || got[i].CreatedByName != back.CreatedByName || got[i].AgencyID != back.AgencyID {
			t.Errorf("call %d answered\n%s\nthe row reads\n%s", i, a, b)
		}
		if n := len(auditOf(t, w, got[i].ID)); n != 1 {
			t.Errorf("call %d: %d audit entries, want 1", i, n)
		}
	}
	if want := fmt.Sprintf("already has disbursement #%d in program", got[0].ID); errs[2] == nil || !strings.Contains(errs[2].Error(), want) {
		t.Errorf("duplicate: %v, want it to name %d", errs[2], got[0].ID)
	}
	ds, _, err := w.Store.FindDisbursements(w.Ctx(w.Admin), finance.DisbursementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != created {
		t.Errorf("%d disbursements stored, want %d", len(ds), created)
	}
	if bad, err := w.Store.VerifyAudit(context.Background()); err != nil || bad != nil {
		t.Errorf("audit chain: %+v, %v", bad, err)
	}
	if drift, err := w.Store.CheckProgramTotals(context.Background()); err != nil || len(drift) > 0 {
		t.Errorf("program totals: %+v, %v", drift, err)
	}
}

// TestGroupTx: in one group an error or a panic rolls back its own
// writes only and reaches its own caller; a caller that gives up while
// queued is answered at once and its transaction never runs.
func TestGroupTx(t *testing.T) {
	w := dbtest.NewWorld(t)
	actx := w.Ctx(w.Admin)
	agency := func(ctx context.Context, code string) error {
		_, err := w.Store.CreateAgency(ctx, finance.AgencyInput{Code: ptr(code), Name: ptr("Dinas " + code), RegionCode: ptr("64")})
		return err
	}
	errB := errors.New("b refuses")
	gave := make(chan error)
	cctx, cancel := context.WithCancel(actx)
	ranCancelled := false
	release := holdWriter(t, w)
	results := make([]any, 4)
	var wg sync.WaitGroup
	fns := []func(ctx context.Context) error{
		func(ctx context.Context) error { return agency(ctx, "GRP-A") },
		func(ctx context.Context) error {
			if err := agency(ctx, "GRP-B"); err != nil {
				return err
			}
			return errB
		},
		func(ctx context.Context) error {
			if err := agency(ctx, "GRP-C"); err != nil {
				return err
			}
			panic("c panics")
		},
		func(ctx context.Context) error { return agency(ctx, "GRP-D") },
	}
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					results[i] = p
				}
			}()
			results[i] = store.GroupTx(w.Store, actx, fn)
		}()
		waitQueued(w, &wg, i+1)
	}
	if w.Store.Driver() == "sqlite" {
		go func() {
			gave <- store.GroupTx(w.Store, cctx, func(ctx context.Context) error { ranCancelled = true; return nil })
		}()
		waitQueued(w, &wg, len(fns)+1)
		cancel()
		if err := <-gave; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled while queued: %v", err)
		}
	}
	release()
	wg.Wait()
	cancel()
	if results[0] != nil || results[1] != errB || results[2] != "c panics" || results[3] != nil {
		t.Errorf("results %v, want [<nil> %v c panics <nil>]", results, errB)
	}
	if ranCancelled {
		t.Error("the cancelled transaction ran")
	}
	as, err := w.Store.FindAgencies(actx)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, a := range as {
		have[a.Code] = true
	}
	if !have["GRP-A"] || have["GRP-B"] || have["GRP-C"] || !have["GRP-D"] {
		t.Errorf("agencies %v: want GRP-A and GRP-D only", have)
	}
	if bad, err := w.Store.VerifyAudit(context.Background()); err != nil || bad != nil {
		t.Errorf("audit chain: %+v, %v", bad, err)
	}
}
