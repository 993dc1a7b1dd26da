package web_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"pilar/internal/finance"
)

// lookupsOf is u's count of identifier lookups in the hour holding at.
func (e *env) lookupsOf(t testing.TB, u *finance.User, at time.Time) int {
	t.Helper()
	db, _ := e.w.Store.DB()
	var n int
	hour := at.Unix() / int64(finance.LookupWindow/time.Second)
	err := db.QueryRow("SELECT COALESCE(SUM(lookups), 0) FROM identifier_lookups WHERE user_id = $1 AND hour = $2", u.ID, hour).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLookupLimit_Import: a disbursement import answers "is this NIK
// registered?" for each of its rows, so for a role shown masked NIKs a row
// refused because no recipient has its NIK counts as a lookup, refused
// atomic imports included (they write nothing, but still answer); once the
// hour's lookups are spent, every row naming a NIK is refused alike, found
// or not. A refused atomic recipients import's counts answer it for every
// row: they cost a lookup a row, and are not given past what is left.
// Lookups an import set aside and did not need are given back.
func TestLookupLimit_Import(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 3, 1, 9, 0, 5, 0, time.UTC)
	nik := func(i int) string { return fmt.Sprintf("6472010101%02d%04d", 80+i/1000, i%1000+1) }
	const notFound = "no recipient has this NIK; import or register the recipient first"
	const spent = "the NIK lookups of this hour are used up (%d); the row was not checked. Try again after 10:00 UTC, or ask an admin"
	// setup is an environment at the clock at, with the lookup limit,
	// program NIK-2024 and recipients nik(0) and nik(1).
	setup := func(t *testing.T, limit int) *env {
		e := newEnv(t)
		e.w.Store.Now = func() time.Time { return at }
		e.w.Store.LookupLimit = limit
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("NIK-2024", "1000000000.00")), 201)
		for i := range 2 {
			e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": fmt.Sprint("Usaha ", i), "nik": nik(i)}), 201)
		}
		return e
	}
	file := func(niks ...string) string {
		var b strings.Builder
		b.WriteString("program_code,recipient_nik,amount,disbursed_on\n")
		for _, n := range niks {
			b.WriteString("NIK-2024," + n + ",2400000,2024-03-01\n")
		}
		return b.String()
	}
	importAs := func(t *testing.T, e *env, u *finance.User, path, csv string, status int) map[string]any {
		t.Helper()
		return e.expect(t, serve(e, authed(e, multipartRequest(t, "POST", path, "d.csv", csv), u)), status)
	}
	// rowErrors are an answer's row errors, row -> message.
	rowErrors := func(m map[string]any) map[int]string {
		out := map[int]string{}
		for _, x := range m["errors"].([]any) {
			r := x.(map[string]any)
			out[int(r["row"].(float64))] = r["message"].(string)
		}
		return out
	}

	t.Run("MissesCount", func(t *testing.T) {
		e := setup(t, 2)
		m := importAs(t, e, e.w.Officer, "/api/v1/disbursements/import", file(nik(10), nik(11), nik(12), nik(0)), 200)
		errs := rowErrors(m)
		want := map[int]string{2: notFound, 3: notFound, 4: fmt.Sprintf(spent, 2), 5: fmt.Sprintf(spent, 2)}
		if m["created"] != 0.0 || fmt.Sprint(errs) != fmt.Sprint(want) {
			t.Fatalf("created %v, errors %v, want %v", m["created"], errs, want)
		}
		if n := e.lookupsOf(t, e.w.Officer, at); n != 2 {
			t.Fatalf("%d lookups counted, want 2", n)
		}
		if n := e.countAudit(t, "lookup", e.w.Officer.Email); n != 1 {
			t.Fatalf("%d lookup entries, want 1 for the import", n)
		}
		// The hour's lookups are spent for searches too.
		e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients?nik="+nik(1), nil), 429)
	})
	t.Run("UnusedGivenBack", func(t *testing.T) {
		e := setup(t, 2)
		if m := importAs(t, e, e.w.Officer, "/api/v1/disbursements/import", file(nik(0)), 200); m["created"] != 1.0 || m["failed"] != 0.0 {
			t.Fatalf("%v", m)
		}
		if n := e.lookupsOf(t, e.w.Officer, at); n != 0 {
			t.Fatalf("%d lookups left counted after an import that needed none", n)
		}
		if n := e.countAudit(t, "lookup", e.w.Officer.Email); n != 0 {
			t.Fatalf("%d lookup entries for an import that made none", n)
		}
		for range 2 {
			e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients?nik="+nik(1), nil), 200)
		}
		e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients?nik="+nik(1), nil), 429)
	})
	t.Run("AtomicRefusedCounts", func(t *testing.T) {
		e := setup(t, 2)
		m := importAs(t, e, e.w.Officer, "/api/v1/disbursements/import?atomic=true", file(nik(10), nik(0)), 422)
		if errs := rowErrors(m); len(errs) != 1 || errs[2] != notFound {
			t.Fatalf("%v", m)
		}
		if n := e.lookupsOf(t, e.w.Officer, at); n != 1 {
			t.Fatalf("%d lookups after a refused atomic import, want 1: the rollback must not take the count back", n)
		}
		list := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/disbursements", nil), 200)
		if n := len(list["items"].([]any)); n != 0 {
			t.Fatalf("the refused atomic import wrote %d disbursements", n)
		}
	})
	t.Run("SpentBySearches", func(t *testing.T) {
		e := setup(t, 1)
		e.expect(t, e.do(t, e.w.Officer, "GET", "/api/v1/recipients?nik="+nik(5), nil), 200)
		// A registered NIK is refused as an unknown one would be.
		m := importAs(t, e, e.w.Officer, "/api/v1/disbursements/import", file(nik(0), nik(10)), 200)
		if errs := rowErrors(m); m["created"] != 0.0 || errs[2] != fmt.Sprintf(spent, 1) || errs[3] != errs[2] {
			t.Fatalf("%v", m)
		}
		// The next hour the rows are checked again.
		e.w.Store.Now = func() time.Time { return at.Add(time.Hour) }
		if m := importAs(t, e, e.w.Officer, "/api/v1/disbursements/import", file(nik(0)), 200); m["created"] != 1.0 {
			t.Fatalf("next hour: %v", m)
		}
	})
	t.Run("Submitted", func(t *testing.T) {
		// Submitted rows go one by one (recipientNamed, as repayments do).
		e := setup(t, 1)
		m := importAs(t, e, e.w.Officer, "/api/v1/disbursements/import?submit=true", file(nik(10), nik(0)), 200)
		if errs := rowErrors(m); m["created"] != 0.0 || len(errs) != 2 || errs[2] != notFound || errs[3] != fmt.Sprintf(spent, 1) {
			t.Fatalf("%v", m)
		}
		if n := e.lookupsOf(t, e.w.Officer, at); n != 1 {
			t.Fatalf("%d lookups, want 1", n)
		}
	})
	recipients := func(niks ...string) string {
		var b strings.Builder
		b.WriteString("kind,name,nik\n")
		for _, n := range niks {
			b.WriteString("umkm,Usaha " + n + "," + n + "\n")
		}
		return b.String()
	}
	t.Run("RecipientsAtomicCounted", func(t *testing.T) {
		// A refused atomic recipients import answers, through its counts,
		// whether each row's NIK is registered: one lookup a row.
		e := setup(t, 2)
		m := importAs(t, e, e.w.Officer, "/api/v1/recipients/import?atomic=true", recipients(nik(0), nik(20), "123"), 422)
		if m["created"] != 1.0 || m["skipped"] != 1.0 || fmt.Sprint(m["skipped_rows"]) != "[2]" || m["failed"] != 1.0 {
			t.Fatalf("%v", m)
		}
		if n := e.lookupsOf(t, e.w.Officer, at); n != 2 {
			t.Fatalf("%d lookups, want 2", n)
		}
	})
	t.Run("RecipientsAtomicWithheld", func(t *testing.T) {
		// More rows than lookups left: the counts are not given, the row
		// errors are, and nothing is spent.
		e := setup(t, 2)
		m := importAs(t, e, e.w.Officer, "/api/v1/recipients/import?atomic=true", recipients(nik(0), nik(20), nik(21), "123"), 422)
		errs := rowErrors(m)
		if m["created"] != 0.0 || m["skipped"] != 0.0 || fmt.Sprint(m["skipped_rows"]) != "[]" || m["failed"] != 1.0 || len(errs) != 1 || errs[5] == "" ||
			!strings.Contains(fmt.Sprint(m["error"]), "not counted as created or skipped") {
			t.Fatalf("%v", m)
		}
		if n := e.lookupsOf(t, e.w.Officer, at); n != 0 {
			t.Fatalf("%d lookups spent by an answer that gave no counts", n)
		}
		// The admin, who sees the NIKs, gets the counts.
		m = importAs(t, e, e.w.Admin, "/api/v1/recipients/import?atomic=true", recipients(nik(0), nik(20), nik(21), "123"), 422)
		if m["created"] != 2.0 || m["skipped"] != 1.0 {
			t.Fatalf("admin: %v", m)
		}
	})
	t.Run("RecipientsNotAtomicReserveNothing", func(t *testing.T) {
		// A recipients import that writes what it reads asks no lookups
		// and holds none of the hour's while it runs.
		e := setup(t, 2)
		if m := importAs(t, e, e.w.Officer, "/api/v1/recipients/import", recipients(nik(20)), 200); m["created"] != 1.0 {
			t.Fatalf("%v", m)
		}
		db, _ := e.w.Store.DB()
		var rows int
		if err := db.QueryRow("SELECT COUNT(*) FROM identifier_lookups WHERE user_id = $1", e.w.Officer.ID).Scan(&rows); err != nil || rows != 0 {
			t.Fatalf("%d lookup rows (%v) after a recipients import that is not atomic", rows, err)
		}
	})
	t.Run("AdminNotCounted", func(t *testing.T) {
		e := setup(t, 1)
		m := importAs(t, e, e.w.Admin, "/api/v1/disbursements/import", file(nik(10), nik(11), nik(12)), 200)
		if errs := rowErrors(m); len(errs) != 3 || errs[2] != notFound || errs[4] != notFound {
			t.Fatalf("%v", m)
		}
		if n := e.lookupsOf(t, e.w.Admin, at); n != 0 {
			t.Fatalf("admin counted: %d", n)
		}
	})
	t.Run("SideBySide", func(t *testing.T) {
		// Imports running at once share the hour's lookups: together they
		// answer no more unknown NIKs than the limit.
		e := setup(t, 5)
		for round := range 10 {
			hour := at.Add(time.Duration(round) * time.Hour)
			e.w.Store.Now = func() time.Time { return hour }
			recs := make([]*httptest.ResponseRecorder, 4)
			var wg sync.WaitGroup
			for c := range recs {
				var niks []string
				for i := range 5 {
					niks = append(niks, nik(100*round+10*c+i+10))
				}
				req := authed(e, multipartRequest(t, "POST", "/api/v1/disbursements/import", "d.csv", file(niks...)), e.w.Officer)
				wg.Add(1)
				go func() {
					defer wg.Done()
					recs[c] = serve(e, req)
				}()
			}
			wg.Wait()
			answered := 0
			for _, rec := range recs {
				for _, msg := range rowErrors(e.expect(t, rec, 200)) {
					if msg == notFound {
						answered++
					}
				}
			}
			if answered != 5 {
				t.Fatalf("round %d: %d unknown NIKs answered by 4 imports at once, want the limit 5", round, answered)
			}
			if n := e.lookupsOf(t, e.w.Officer, hour); n != 5 {
				t.Fatalf("round %d: %d lookups counted, want 5", round, n)
			}
		}
	})
}
