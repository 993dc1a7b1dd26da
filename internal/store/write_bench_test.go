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
)

// fillProgram writes n approved and paid disbursements of p (every other
// one paid) with plain multi-row INSERTs, for 1,000 recipients of their
// own, as a program years old would hold them.
func fillProgram(b *testing.B, w *dbtest.World, p *finance.Program, n int) {
	b.Helper()
	db, err := w.Store.DB()
	if err != nil {
		b.Fatal(err)
	}
	const recipients = 1000
	at := "'2024-03-01 08:00:00'"
	var sb strings.Builder
	sb.WriteString("INSERT INTO recipients (kind, name, nik, created_at, updated_at) VALUES ")
	for i := range recipients {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, "('umkm', 'Isi %d', '64720201019%05d', %s, %s)", i, i, at, at)
	}
	if _, err := db.Exec(sb.String()); err != nil {
		b.Fatal(err)
	}
	var first int64
	if err := db.QueryRow("SELECT MIN(id) FROM recipients WHERE nik LIKE '64720201019%'").Scan(&first); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	statuses := []string{string(finance.StatusApproved), string(finance.StatusPaid)}
	for lo := 0; lo < n; lo += 1000 {
		sb.Reset()
		sb.WriteString("INSERT INTO disbursements (program_id, recipient_id, amount, tranche, status, disbursed_on, approved_on, created_by_id, approved_by_id, created_at, updated_at) VALUES ")
		for i := lo; i < min(lo+1000, n); i++ {
			if i > lo {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "(%d, %d, 240000000, %d, '%s', '2024-03-01', '2024-03-01', %d, %d, %s, %s)",
				p.ID, first+int64(i%recipients), 100+i/recipients, statuses[i%2], w.Officer.ID, w.Reviewer.ID, at, at)
		}
		if _, err := tx.Exec(sb.String()); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if w.Store.Driver() == "postgres" {
		// As autovacuum would soon after: without statistics the planner
		// reads the new rows by status for a recipient's other programs.
		if _, err := db.Exec("ANALYZE disbursements"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteOneDisbursement creates a draft and approves it (submit,
// approve), and imports a second tranche of it (a set of one row), through
// the store, b.N times into an empty program and b.N times into one
// already holding 200,000 approved and paid disbursements
// (PILAR_BENCH_FILL changes the number), and reports each call's mean and
// the ratio full/empty, which should be near 1: the cost of one write must
// not grow with its program.
func BenchmarkWriteOneDisbursement(b *testing.B) {
	fill := 200_000
	if v, err := strconv.Atoi(os.Getenv("PILAR_BENCH_FILL")); err == nil {
		fill = v
	}
	w := dbtest.NewWorld(b)
	empty := newProgramB(b, w, "BENCH-EMPTY", "100000000000000")
	full := newProgramB(b, w, "BENCH-FULL", "100000000000000")
	fillProgram(b, w, full, fill)
	nik := func(i int) string { return fmt.Sprintf("6472030101%06d", i+1) }
	recipients := make([]int64, b.N)
	for i := range recipients {
		r, err := w.Store.CreateRecipient(w.Ctx(w.Admin), finance.RecipientInput{Kind: ptr("umkm"), Name: ptr(fmt.Sprintf("Bench %d", i)), NIK: ptr(nik(i))})
		if err != nil {
			b.Fatal(err)
		}
		recipients[i] = r.ID
	}
	officer, reviewer := w.Ctx(w.Officer), w.Ctx(w.Reviewer)
	var create, approve, imp [2]time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, p := range []*finance.Program{empty, full} {
			start := time.Now()
			d, err := w.Store.CreateDisbursement(officer, finance.DisbursementInput{
				Program: ptr(p.Code), RecipientID: ptr(recipients[i]), Amount: raw("2400000"), DisbursedOn: ptr("2024-03-01"),
			})
			if err != nil {
				b.Fatal(err)
			}
			create[k] += time.Since(start)
			if _, err := w.Store.ActOnDisbursement(officer, d.ID, "submit", finance.ActionInput{}); err != nil {
				b.Fatal(err)
			}
			start = time.Now()
			if _, err := w.Store.ActOnDisbursement(reviewer, d.ID, "approve", finance.ActionInput{OverrideReason: ptr("benchmark")}); err != nil {
				b.Fatal(err)
			}
			approve[k] += time.Since(start)
			start = time.Now()
			out, err := w.Store.ImportDisbursements(officer, []finance.DisbursementRow{{RecipientNIK: nik(i), Input: finance.DisbursementInput{
				Program: ptr(p.Code), Amount: raw("2400000"), Tranche: ptr(2), DisbursedOn: ptr("2024-03-01")}}}, false)
			if err != nil || out[0].Err != nil || out[0].Outcome != finance.ImportCreated {
				b.Fatal(err, out)
			}
			imp[k] += time.Since(start)
		}
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.N) }
	b.ReportMetric(per(create[0]), "create-empty-µs")
	b.ReportMetric(per(create[1]), "create-full-µs")
	b.ReportMetric(per(approve[0]), "approve-empty-µs")
	b.ReportMetric(per(approve[1]), "approve-full-µs")
	b.ReportMetric(per(imp[0]), "import-empty-µs")
	b.ReportMetric(per(imp[1]), "import-full-µs")
	b.ReportMetric(float64(create[1])/float64(create[0]), "create-ratio")
	b.ReportMetric(float64(approve[1])/float64(approve[0]), "approve-ratio")
	b.ReportMetric(float64(imp[1])/float64(imp[0]), "import-ratio")
}

func newProgramB(b *testing.B, w *dbtest.World, code, budget string) *finance.Program {
	b.Helper()
	p, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
		Code: ptr(code), Name: ptr("Program " + code), Kind: ptr("grant"), FundingSource: ptr("PEN"),
		Agency: ptr(w.Agency.Code), FiscalYear: ptr(2024), Budget: raw(budget),
		StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31"),
	})
	if err != nil {
		b.Fatal(err)
	}
	return p
}
