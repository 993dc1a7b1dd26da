package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/recon"
	"pilar/internal/recon/scalegen"
	"pilar/internal/store"
)

// reconScaleN is 2,000 by default; PILAR_SCALE=1 runs 1,000,000, and
// PILAR_SCALE_N another size.
func reconScaleN() int {
	if n, err := strconv.Atoi(os.Getenv("PILAR_SCALE_N")); err == nil && n > 0 {
		return n
	}
	if os.Getenv("PILAR_SCALE") == "1" {
		return 1_000_000
	}
	return 2_000
}

// rss is the process's resident set now and at its peak since the last
// resetPeakRSS, in MiB (Linux; -1 elsewhere).
func rss() (now, peak float64) {
	now, peak = -1, -1
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		switch k {
		case "VmRSS":
			now = float64(kb) / 1024
		case "VmHWM":
			peak = float64(kb) / 1024
		}
	}
	return
}

// resetPeakRSS starts a new peak (Linux: writing 5 to clear_refs).
func resetPeakRSS() {
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// seedScale writes the world's recipients and paid disbursements straight
// into the store's tables, in one transaction: the path under test is the
// statement import and the reconciliation, not the disbursement life cycle.
func seedScale(t *testing.T, w *dbtest.World, p *finance.Program, g *scalegen.World) {
	db, err := w.Store.DB()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	ph := func(n int) string { // ?, ? ... or $1, $2 ...
		var b strings.Builder
		for i := 1; i <= n; i++ {
			if i > 1 {
				b.WriteString(", ")
			}
			if w.Store.Driver() == "postgres" {
				fmt.Fprintf(&b, "$%d", i)
			} else {
				b.WriteString("?")
			}
		}
		return b.String()
	}
	prep := func(q string) *sql.Stmt {
		st, err := tx.Prepare(q)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	now := time.Now().UTC()
	rec := prep("INSERT INTO recipients (id, kind, name, nik, bank_code, account_no, created_at, updated_at) VALUES (" + ph(8) + ")")
	dis := prep("INSERT INTO disbursements (id, program_id, recipient_id, amount, tranche, status, disbursed_on, paid_on, payment_ref, created_by_id, created_at, updated_at) VALUES (" + ph(12) + ")")
	const base = 10_000_000 // ids clear of the fixture's
	tranche := make([]uint8, g.Payments())
	for i := range g.Payments() {
		if _, err := rec.Exec(base+i+1, "umkm", fmt.Sprintf("Usaha %d", i+1), fmt.Sprintf("64%014d", i+1), "002",
			scalegen.Account(int32(i)), now, now); err != nil {
			t.Fatal(err)
		}
	}
	for i := range g.Payments() {
		pay, r := g.Payment(i), g.Recipient(i)
		tranche[r]++
		if _, err := dis.Exec(base+i+1, p.ID, base+int(r)+1, pay.AmountSen, tranche[r], string(finance.StatusPaid), pay.PaidOn, pay.PaidOn,
			pay.Ref, w.Officer.ID, now, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if w.Store.Driver() == "postgres" {
		db.Exec("ANALYZE recipients")
		db.Exec("ANALYZE disbursements")
	}
}

// statementCSV writes the world's lines as a statement in the default CSV
// columns, streamed: the file is never held whole.
func statementCSV(g *scalegen.World) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		b := bufio.NewWriterSize(pw, 1<<16)
		b.WriteString("booking_date,amount,reference,counterparty_account,description\n")
		for j := range g.Lines() {
			l := g.Line(j)
			sign, sen := "", l.AmountSen
			if sen < 0 {
				sign, sen = "-", -sen
			}
			fmt.Fprintf(b, "%s,%s%d.%02d,%s,%s,%s\n", l.BookingDate, sign, sen/100, sen%100, l.Ref, l.Account, l.Description)
		}
		pw.CloseWithError(b.Flush())
	}()
	return pr
}

// joinSQL is the plain two-step join over the store's tables: reference
// and amount, then amount, the recipient's account and a three-day window
// for the lines left. Its time counts its indexes and both joins. Then, in
// a transaction it rolls back, it stores its pairs as the run stores its
// matches (the same INSERT into recon_matches in line order, the same
// UPDATE of reconciled) and times that too: the raw limit of the whole
// job, finding and keeping. It leaves nothing behind.
func joinSQL(t *testing.T, s *store.Store, statementID int64) (pairs [][2]int64, join, keep, cpuJoin, cpuKeep time.Duration) {
	db, _ := s.DB()
	days := "ABS(julianday(l.booking_date) - julianday(d.paid_on)) <= 3"
	arg := "?"
	if s.Driver() == "postgres" {
		days, arg = "ABS(l.booking_date::date - d.paid_on::date) <= 3", "$1"
	}
	exec := func(db interface {
		Exec(string, ...any) (sql.Result, error)
	}, q string) {
		t.Helper()
		var err error
		if strings.Contains(q, arg) {
			_, err = db.Exec(q, statementID)
		} else {
			_, err = db.Exec(q)
		}
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	start, cpu0 := time.Now(), cpuTime()
	for _, q := range []string{
		"CREATE INDEX join_d_ref ON disbursements(payment_ref, amount)",
		"CREATE INDEX join_d_amount ON disbursements(recipient_id, amount)",
		"CREATE INDEX join_l_acct ON statement_lines(counterparty_account)",
		`CREATE TABLE join_m1 AS SELECT l.id AS line_id, d.id AS d_id FROM statement_lines l JOIN disbursements d ON d.payment_ref = l.reference AND d.amount = -l.amount
WHERE l.statement_id = ` + arg + ` AND l.reference <> ''`,
		"CREATE INDEX join_m1_line ON join_m1(line_id)", "CREATE INDEX join_m1_d ON join_m1(d_id)",
		`CREATE TABLE join_m2 AS SELECT l.id AS line_id, d.id AS d_id FROM statement_lines l
JOIN recipients r ON r.account_no = l.counterparty_account JOIN disbursements d ON d.recipient_id = r.id AND d.amount = -l.amount AND ` + days + `
WHERE l.statement_id = ` + arg + ` AND l.counterparty_account <> '' AND NOT EXISTS (SELECT 1 FROM join_m1 WHERE join_m1.line_id = l.id)
  AND NOT EXISTS (SELECT 1 FROM join_m1 WHERE join_m1.d_id = d.id)`,
	} {
		exec(db, q)
	}
	rows, err := db.Query("SELECT line_id, d_id FROM join_m1 UNION ALL SELECT line_id, d_id FROM join_m2")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p [2]int64
		rows.Scan(&p[0], &p[1])
		pairs = append(pairs, p)
	}
	rows.Close()
	join, cpuJoin = time.Since(start), cpuTime()-cpu0

	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	start, cpu0 = time.Now(), cpuTime()
	// a line the join pairs twice (a repeated reference) is kept once, as the unique index wants
	exec(tx, `INSERT INTO recon_matches (reconciliation_id, disbursement_id, line_id, kind, rule, difference, confirmed, created_by_id, confirmed_by_id, created_at, confirmed_at)
SELECT 0, d_id, line_id, 'payment', 'reference', 0, TRUE, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM (SELECT line_id, d_id FROM join_m1 UNION ALL SELECT line_id, d_id FROM join_m2) j ORDER BY line_id ON CONFLICT DO NOTHING`)
	exec(tx, "UPDATE disbursements SET reconciled = TRUE WHERE id IN (SELECT d_id FROM join_m1 UNION ALL SELECT d_id FROM join_m2)")
	keep, cpuKeep = time.Since(start), cpuTime()-cpu0
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TABLE join_m1", "DROP TABLE join_m2", "DROP INDEX join_d_ref", "DROP INDEX join_d_amount", "DROP INDEX join_l_acct"} {
		exec(db, q)
	}
	return pairs, join, keep, cpuJoin, cpuKeep
}

// cpuTime is the CPU time this process has used (user and system, every
// thread): on a machine shared with other work it moves much less than the
// wall clock, so the logs give both.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestReconcileAtScale runs issue 11's scale target end to end through the
// store, the code the API runs: N paid disbursements, a statement of about
// N lines imported from CSV by ImportStatements, reconciled by
// RunReconciliation; then the plain two-step SQL join on the same tables.
// It holds precision 1 and recall at least 0.999 and logs time and memory.
func TestReconcileAtScale(t *testing.T) {
	n := reconScaleN()
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "BPUM-SCALE-2024", "1000000000000000")
	g := scalegen.Generate(n)
	start := time.Now()
	seedScale(t, w, p, g)
	t.Logf("%s: seeded %d paid disbursements in %v", w.Store.Driver(), n, time.Since(start).Round(time.Millisecond))

	resetPeakRSS()
	start = time.Now()
	imp, err := w.Store.ImportStatements(w.Ctx(w.Officer), finance.StatementUpload{Format: "csv", Account: "0123456789", Name: "scale.csv"}, statementCSV(g))
	if err != nil {
		t.Fatalf("ImportStatements: %v", err)
	}
	st := imp.Statements[0]
	_, peak := rss()
	t.Logf("ImportStatements: %d lines in %v, peak RSS %.0f MiB", st.LineCount, time.Since(start).Round(time.Millisecond), peak)
	if st.LineCount != g.Lines() {
		t.Fatalf("imported %d lines, want %d", st.LineCount, g.Lines())
	}

	// the store's line ids follow the file's order
	db, _ := w.Store.DB()
	var first int64
	if err := db.QueryRow(strings.Replace("SELECT MIN(id) FROM statement_lines WHERE statement_id = ?", "?", map[bool]string{true: "$1", false: "?"}[w.Store.Driver() == "postgres"], 1), st.ID).Scan(&first); err != nil {
		t.Fatal(err)
	}
	const base = 10_000_000
	score := func(pairs [][2]int64, mismatches [][2]int64) *scalegen.Score {
		sc := g.NewScore()
		for _, p := range pairs {
			sc.Add(p[0]-first+1, p[1]-base)
		}
		for _, p := range mismatches {
			sc.AddMismatch(p[0]-first+1, p[1]-base)
		}
		return sc
	}
	// the raw limit first, on the same tables, leaving them as they were
	resetPeakRSS()
	jp, jd, jk, jdCPU, jkCPU := joinSQL(t, w.Store, st.ID)
	_, jpeak := rss()
	js := score(jp, nil)
	jp = nil

	resetPeakRSS()
	before, _ := rss()
	start, cpu0 := time.Now(), cpuTime()
	run, err := w.Store.RunReconciliation(w.Ctx(w.Officer), finance.ReconcileInput{StatementID: st.ID, WindowDays: 3})
	if err != nil {
		t.Fatalf("RunReconciliation: %v", err)
	}
	took, tookCPU := time.Since(start), cpuTime()-cpu0
	_, peak = rss()
	t.Logf("RunReconciliation: %d lines, %d candidates, %v, ambiguous %d, reconciled %d in %v (reading and matching %v, writing %v); RSS before %.0f MiB, peak %.0f MiB",
		run.Lines, run.Candidates, run.Rules, run.Ambiguous, run.Reconciled, took.Round(time.Millisecond), run.Match.Round(time.Millisecond),
		run.Write.Round(time.Millisecond), before, peak)

	var pairs, mismatches [][2]int64
	rows, err := db.Query(strings.Replace("SELECT line_id, disbursement_id, rule FROM recon_matches WHERE reconciliation_id = ?", "?", map[bool]string{true: "$1", false: "?"}[w.Store.Driver() == "postgres"], 1), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var l, d int64
		var rule string
		rows.Scan(&l, &d, &rule)
		if rule == recon.RuleAmountMismatch {
			mismatches = append(mismatches, [2]int64{l, d})
		} else {
			pairs = append(pairs, [2]int64{l, d})
		}
	}
	rows.Close()
	sc := score(pairs, mismatches)
	t.Logf("store reconcile: %v", sc)
	if sc.Wrong != 0 || sc.MismatchWrong != 0 {
		t.Errorf("%d lines paired with the wrong disbursement, %d wrong mismatches", sc.Wrong, sc.MismatchWrong)
	}
	if sc.Recall() < 0.999 {
		t.Errorf("recall %.5f, want at least 0.999", sc.Recall())
	}
	pairs, mismatches = nil, nil

	t.Logf("plain two-step SQL join (%s): %v in %v, the store's reconcile %.2f× that; peak RSS %.0f MiB", w.Store.Driver(), js, jd.Round(time.Millisecond),
		float64(took)/float64(jd), jpeak)
	t.Logf("the join's pairs stored as matches with reconciled set (rolled back): %v; join and store %v, the store's reconcile %.2f× that",
		jk.Round(time.Millisecond), (jd + jk).Round(time.Millisecond), float64(took)/float64(jd+jk))
	t.Logf("CPU time: the store's reconcile %v, the join %v (%.2f×), join and store %v (%.2f×)", tookCPU.Round(time.Millisecond),
		jdCPU.Round(time.Millisecond), float64(tookCPU)/float64(jdCPU), (jdCPU + jkCPU).Round(time.Millisecond), float64(tookCPU)/float64(jdCPU+jkCPU))

	// the result through the API's path: each list element encoded as the
	// store reads it, as the handlers stream it
	resetPeakRSS()
	start = time.Now()
	var out countingSink
	if err := w.Store.EachReconciliation(context.WithoutCancel(w.Ctx(w.Officer)), run.ID, &out); err != nil {
		t.Fatalf("EachReconciliation: %v", err)
	}
	_, peak = rss()
	t.Logf("EachReconciliation: %d matched, %d unmatched lines, %d ambiguous (limited %v), %d bytes of JSON, totals paid %s matched %s in %v; peak RSS %.0f MiB",
		out.items["matched"], out.items["unmatched_lines"], out.items["ambiguous"], out.end.AmbiguousLimited != nil, out.bytes,
		out.end.Totals.Paid, out.end.Totals.Matched, time.Since(start).Round(time.Millisecond), peak)
}

// countingSink encodes each piece of a reconciliation's result as JSON
// and counts it, holding none.
type countingSink struct {
	items map[string]int
	bytes int
	end   *finance.Reconciliation
}

func (c *countingSink) Begin(*finance.Reconciliation) error {
	c.items = map[string]int{}
	return nil
}

func (c *countingSink) Item(list string, v any) error {
	b, err := json.Marshal(v)
	c.items[list]++
	c.bytes += len(b) + 1
	return err
}

func (c *countingSink) End(r *finance.Reconciliation) error {
	b, err := json.Marshal(r)
	c.bytes += len(b)
	c.end = r
	return err
}
