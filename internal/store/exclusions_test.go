package store_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/report"
)

// idents feeds the given identifiers as finance.ExclusionIdentifiers.
func idents(pairs ...string) finance.ExclusionIdentifiers {
	i := 0
	return func() (string, string, bool, error) {
		if i+1 >= len(pairs) {
			return "", "", false, nil
		}
		i += 2
		return pairs[i-2], pairs[i-1], true, nil
	}
}

func exclusionInput(kind string) finance.ExclusionListInput {
	return finance.ExclusionListInput{Kind: kind, Source: "Dukcapil Kota Samarinda", AsOf: "2024-02-01", FileName: "meninggal.csv"}
}

// TestExclusionService uploads, matches, replaces and withdraws lists.
func TestExclusionService(t *testing.T) {
	t.Parallel()
	t.Run("UploadMatchReplaceWithdraw", func(t *testing.T) {
		t.Parallel()
		f := newFlagWorld(t)
		dead := f.recipient(nil)
		nib := fmt.Sprintf("9120%09d", nikSeq.Add(1))
		byNIB := f.recipient(func(in *finance.RecipientInput) { in.NIB = ptr(nib) })
		l, err := f.Store.CreateExclusionList(f.Ctx(f.Admin), exclusionInput("deceased"),
			idents(finance.IdentNIK, dead.NIK, finance.IdentNIK, dead.NIK, finance.IdentNIK, "6472010101900000", finance.IdentNIB, nib))
		if err != nil {
			t.Fatal(err)
		}
		if l.NIKCount != 2 || l.NIBCount != 1 || l.CreatedBy != f.Admin.Email {
			t.Fatalf("list %+v; want 2 NIKs (one twice) and 1 NIB", l)
		}
		d := f.submitted(dead)
		want := fmt.Sprintf("the NIK is on exclusion list %d (deceased, Dukcapil Kota Samarinda, as of 1 February 2024)", l.ID)
		if kinds(d.Flags) != finance.FlagExcluded || d.Flags[0].Message != want || d.Flags[0].ListID != l.ID {
			t.Fatalf("flags %+v; want %q", d.Flags, want)
		}
		if e := f.submitted(byNIB); kinds(e.Flags) != finance.FlagExcluded || !strings.HasPrefix(e.Flags[0].Message, "the NIB is on exclusion list") {
			t.Fatalf("by NIB: %+v", e.Flags)
		}
		f.act(f.Reviewer, d, "approve", finance.ActionInput{OverrideReason: ptr("death record was a namesake; checked at the kelurahan")})
		rep, err := f.Store.Overlaps(f.Ctx(f.Auditor), report.Filter{Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Flagged) != 2 || len(rep.Flagged[0].ExclusionLists) != 1 || rep.Flagged[0].ExclusionLists[0] != l.ID ||
			!strings.Contains(rep.Flagged[0].Reason.String(), "exclusion list "+fmt.Sprint(l.ID)+" (deceased") || !*rep.Flagged[0].Overridden {
			t.Fatalf("red-flag report %+v", rep.Flagged)
		}

		// A newer list replaces it: the old one is withdrawn, the new one matches.
		in := exclusionInput("deceased")
		in.Replaces = &l.ID
		l2, err := f.Store.CreateExclusionList(f.Ctx(f.Admin), in, idents(finance.IdentNIK, dead.NIK))
		if err != nil {
			t.Fatal(err)
		}
		lists, err := f.Store.FindExclusionLists(f.Ctx(f.Reviewer))
		if err != nil || len(lists) != 2 || lists[0].ID != l2.ID || lists[0].WithdrawnAt != nil || lists[1].WithdrawnAt == nil || *lists[0].ReplacesID != l.ID {
			t.Fatalf("lists after replace: %+v %v", lists, err)
		}
		again := f.act(f.Officer, f.draft(f.program("AGAIN-2024", false), dead, "2400000", "2024-03-01"), "submit", finance.ActionInput{})
		if !strings.Contains(again.Flags[len(again.Flags)-1].Message, fmt.Sprintf("exclusion list %d ", l2.ID)) {
			t.Fatalf("after replace: %+v", again.Flags)
		}
		if _, err := f.Store.CreateExclusionList(f.Ctx(f.Admin), in, idents()); finance.ErrorCode(err) != finance.EConflict {
			t.Fatalf("replacing a withdrawn list: %v; want conflict", err)
		}
		if err := f.Store.WithdrawExclusionList(f.Ctx(f.Admin), l2.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.Store.WithdrawExclusionList(f.Ctx(f.Admin), l2.ID); finance.ErrorCode(err) != finance.EConflict {
			t.Fatalf("withdrawing twice: %v", err)
		}
		r3 := f.recipient(func(in *finance.RecipientInput) { in.NIK = ptr(fmt.Sprintf("647201010190%04d", nikSeq.Add(1))) })
		if d := f.submitted(r3); len(d.Flags) != 0 {
			t.Fatalf("clean recipient: %+v", d.Flags)
		}
		_ = again
		noPlainIdentifiers(t, f.World, dead.NIK, nib)
	})
	t.Run("Permissions", func(t *testing.T) {
		t.Parallel()
		w := dbtest.NewWorld(t)
		for _, u := range []*finance.User{w.Reviewer, w.Officer, w.Auditor} {
			if _, err := w.Store.CreateExclusionList(w.Ctx(u), exclusionInput("blacklist"), idents()); finance.ErrorCode(err) != finance.EForbidden {
				t.Errorf("%s uploads: %v; want forbidden", u.Role, err)
			}
		}
		l, err := w.Store.CreateExclusionList(w.Ctx(w.Admin), exclusionInput("blacklist"), idents())
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []*finance.User{w.Reviewer, w.Auditor, w.Admin} {
			if lists, err := w.Store.FindExclusionLists(w.Ctx(u)); err != nil || len(lists) != 1 {
				t.Errorf("%s reads: %d, %v", u.Role, len(lists), err)
			}
		}
		if _, err := w.Store.FindExclusionLists(w.Ctx(w.Officer)); finance.ErrorCode(err) != finance.EForbidden {
			t.Errorf("officer reads: %v; want forbidden", err)
		}
		if err := w.Store.WithdrawExclusionList(w.Ctx(w.Reviewer), l.ID); finance.ErrorCode(err) != finance.EForbidden {
			t.Errorf("reviewer withdraws: %v", err)
		}
		if err := w.Store.WithdrawExclusionList(w.Ctx(w.Admin), 9999); finance.ErrorCode(err) != finance.ENotFound {
			t.Errorf("unknown list: %v", err)
		}
	})
	t.Run("NoKeyRefused", func(t *testing.T) {
		t.Parallel()
		w := dbtest.NewWorld(t)
		w.Store.ExclusionKey = nil
		_, err := w.Store.CreateExclusionList(w.Ctx(w.Admin), exclusionInput("other"), idents())
		if finance.ErrorCode(err) != finance.EConflict || !strings.Contains(err.Error(), "exclusion.key") {
			t.Fatalf("no key: %v", err)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		w := dbtest.NewWorld(t)
		_, err := w.Store.CreateExclusionList(w.Ctx(w.Admin), finance.ExclusionListInput{Kind: "pns", AsOf: "kemarin"}, idents())
		var fe *finance.Error
		if !errorAs(err, &fe) || fe.Fields["kind"].String() == "" || fe.Fields["source"].String() == "" || fe.Fields["as_of"].String() == "" {
			t.Fatalf("invalid input: %v", err)
		}
	})
}

// noPlainIdentifiers fails when any text in the exclusion tables or the
// audit trail holds one of the identifiers.
func noPlainIdentifiers(t *testing.T, w *dbtest.World, values ...string) {
	t.Helper()
	db, _ := w.Store.DB()
	for _, q := range []string{
		"SELECT hash FROM exclusion_entries",
		"SELECT kind || source || as_of || file_name FROM exclusion_lists",
		"SELECT before || after FROM audit_log WHERE entity = 'exclusion_list'",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			for _, v := range values {
				if strings.Contains(s, v) {
					t.Errorf("%s: holds the plain identifier %s", q, v)
				}
			}
		}
		rows.Close()
	}
}

// TestExclusionService_Million loads a list of 1,000,000 NIKs and logs how
// long it took; set PILAR_EXCLUSION_MILLION=1 to run it (it is a
// measurement, not a timed assertion).
func TestExclusionService_Million(t *testing.T) {
	if os.Getenv("PILAR_EXCLUSION_MILLION") == "" {
		t.Skip("set PILAR_EXCLUSION_MILLION=1 to load 1,000,000 identifiers")
	}
	w := dbtest.NewWorld(t)
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("PILAR_EXCLUSION_MILLION")); err == nil && v > 1 {
		n = v // a smaller run while tuning
	}
	i := 0
	next := func() (string, string, bool, error) {
		if i == n {
			return "", "", false, nil
		}
		j := i / 9999
		nik := fmt.Sprintf("647201%02d%02d%02d%04d", j%28+1, (j/28)%12+1, (j/336)%100, i%9999+1)
		i++
		return finance.IdentNIK, nik, true, nil
	}
	start := time.Now()
	l, err := w.Store.CreateExclusionList(w.Ctx(w.Admin), exclusionInput("asn_tni_polri"), next)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if l.NIKCount != n {
		t.Fatalf("stored %d NIKs; want %d", l.NIKCount, n)
	}
	db, _ := w.Store.DB()
	var rows int
	if err := db.QueryRow("SELECT COUNT(*) FROM exclusion_entries WHERE list_id = $1", l.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != n {
		t.Fatalf("%d entries; want %d", rows, n)
	}
	t.Logf("loaded %d identifiers in %s (%.0f per second)", n, took, float64(n)/took.Seconds())
}
