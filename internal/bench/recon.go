package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"pilar/internal/finance"
	"pilar/internal/recon"
)

// score counts pairs of (line, disbursement) against the truth.
type score struct {
	pairs, wrong, matched, matchable int
}

func (s score) precision() float64 {
	if s.pairs == 0 {
		return 1
	}
	return float64(s.pairs-s.wrong) / float64(s.pairs)
}

func (s score) recall() float64 {
	if s.matchable == 0 {
		return 1
	}
	return float64(s.matched) / float64(s.matchable)
}

// truth maps every line of the run's statements to what it truly pays.
type truth struct {
	ref       map[int64]string // line id -> payment_ref of the disbursement it pays ("" none)
	matchable map[int64]bool
	payRef    map[int64]string // disbursement id -> payment_ref
}

func (t *truth) score(pairs [][2]int64) score {
	sc := score{matchable: len(t.matchable)}
	seen := map[int64]bool{}
	for _, p := range pairs {
		sc.pairs++
		if want := t.ref[p[0]]; want == "" || want != t.payRef[p[1]] {
			sc.wrong++
			continue
		}
		if t.matchable[p[0]] && !seen[p[0]] {
			seen[p[0]] = true
			sc.matched++
		}
	}
	return sc
}

// reconWorkload imports each agency's statement through the store and
// reconciles it (store.Reconcile: Pilar's whole path, matches written),
// then runs the plain two-step SQL join (reference and amount; then
// account, amount and a 3-day window for what is left) on the same lines,
// and scores both against the truth.
func (r *run) reconWorkload(ctx context.Context) error {
	var stIDs []int64
	t := &truth{ref: map[int64]string{}, matchable: map[int64]bool{}, payRef: map[int64]string{}}
	var lines int
	importTime, rssImport, err := measure(func() error {
		for _, s := range r.set.Statements {
			f, err := os.Open(s.Path)
			if err != nil {
				return err
			}
			res, err := r.st.ImportStatements(r.ctx, finance.StatementUpload{Format: "csv", Account: s.Account, Agency: s.Agency, Name: filepath.Base(s.Path)}, f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", s.Path, err)
			}
			for _, st := range res.Statements {
				stIDs = append(stIDs, st.ID)
			}
			// Lines are stored in the file's order (seq).
			rows, err := r.db.QueryContext(ctx, r.q("SELECT l.id FROM statement_lines l JOIN statements s ON s.id = l.statement_id WHERE s.id IN (SELECT id FROM statements WHERE account = ?) ORDER BY l.statement_id, l.seq"), s.Account)
			if err != nil {
				return err
			}
			i := 0
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				if i < len(s.Truth) {
					t.ref[id], t.matchable[id] = s.Truth[i], s.Matchable[i]
					if !s.Matchable[i] {
						delete(t.matchable, id)
					}
				}
				i++
			}
			rows.Close()
			if i != len(s.Truth) {
				return fmt.Errorf("%s: %d lines stored, %d written", s.Path, i, len(s.Truth))
			}
			lines += i
		}
		return nil
	})
	if err != nil {
		return err
	}
	rows, err := r.db.QueryContext(ctx, "SELECT id, payment_ref FROM disbursements")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var ref string
		rows.Scan(&id, &ref)
		t.payRef[id] = ref
	}
	rows.Close()
	var pairs [][2]int64
	mismatches := 0
	c0 := cpuTime()
	pilar, rss, base, err := measureFrom(func() error {
		for _, id := range stIDs {
			if _, err := r.st.RunReconciliation(r.ctx, finance.ReconcileInput{StatementID: id}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	pilarCPU := cpuTime() - c0
	// The pairs as stored, read after the run: a result of this size is
	// for the score, not for a reviewer's page.
	mrows, err := r.db.QueryContext(ctx, "SELECT line_id, disbursement_id, rule FROM recon_matches")
	if err != nil {
		return err
	}
	for mrows.Next() {
		var p [2]int64
		var rule string
		if err := mrows.Scan(&p[0], &p[1], &rule); err != nil {
			mrows.Close()
			return err
		}
		if rule == recon.RuleAmountMismatch {
			mismatches++
			continue
		}
		pairs = append(pairs, p)
	}
	mrows.Close()
	ps := t.score(pairs)
	var rawPairs [][2]int64
	c0 = cpuTime()
	raw, _, err := measure(func() (err error) {
		rawPairs, err = r.sqlJoin(ctx)
		return err
	})
	if err != nil {
		return err
	}
	rawCPU := cpuTime() - c0
	rs := t.score(rawPairs)
	r.add(Row{Workload: "statement import (lines/s)", Pilar: float64(lines) / importTime.Seconds(), Unit: "lines/s", RSS: rssImport,
		Note: fmt.Sprintf("%d lines in %d statements, %s", lines, len(stIDs), importTime.Round(time.Millisecond))})
	r.add(Row{Workload: "reconciliation (store.RunReconciliation)", Pilar: pilar.Seconds(), Raw: raw.Seconds(), Unit: "s", RSS: rss,
		Note: fmt.Sprintf("CPU %s, raw %s; Pilar: %d pairs, precision %.5f, recall %.5f, %d amount mismatches; SQL join: %d pairs, precision %.5f, recall %.5f (of %d matchable lines); RSS before %d MiB (the truth it is scored against included)",
			pilarCPU.Round(time.Millisecond), rawCPU.Round(time.Millisecond), ps.pairs, ps.precision(), ps.recall(), mismatches, rs.pairs, rs.precision(), rs.recall(), ps.matchable, base>>20)})
	return nil
}

// sqlJoin is the plain two-step join on the stored lines and the paid
// disbursements, as issue 11's scale test does it: both sides copied into
// temporary tables with the indexes the joins need (their building
// counted), then reference and amount, then account, amount and a 3-day
// window for the lines and disbursements left; each within one agency.
func (r *run) sqlJoin(ctx context.Context) ([][2]int64, error) {
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	days := "ABS(julianday(l.day) - julianday(d.day))"
	if r.opt.Engine == "postgres" {
		days = "ABS(CAST(l.day AS date) - CAST(d.day AS date))"
	}
	for _, q := range []string{
		"DROP TABLE IF EXISTS m1", "DROP TABLE IF EXISTS pays", "DROP TABLE IF EXISTS lines",
		`CREATE TEMP TABLE pays AS SELECT d.id, d.amount, d.paid_on AS day, d.payment_ref AS ref, rc.account_no AS account, p.agency_id
		 FROM disbursements d JOIN programs p ON p.id = d.program_id JOIN recipients rc ON rc.id = d.recipient_id WHERE d.status IN ` + paidSQL,
		`CREATE TEMP TABLE lines AS SELECT l.id, -l.amount AS amount, l.booking_date AS day, l.reference AS ref, l.counterparty_account AS account, s.agency_id
		 FROM statement_lines l JOIN statements s ON s.id = l.statement_id`,
		"CREATE INDEX pays_ref ON pays(ref, amount)", "CREATE INDEX pays_account ON pays(account, amount)",
		`CREATE TEMP TABLE m1 AS SELECT l.id AS line_id, d.id AS d_id FROM lines l
		 JOIN pays d ON d.ref = l.ref AND d.amount = l.amount AND d.agency_id = l.agency_id WHERE l.ref <> ''`,
		"CREATE INDEX m1_line ON m1(line_id)", "CREATE INDEX m1_d ON m1(d_id)",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	rows, err := conn.QueryContext(ctx, `SELECT line_id, d_id FROM m1 UNION ALL
SELECT l.id, d.id FROM lines l JOIN pays d ON d.account = l.account AND d.amount = l.amount AND d.agency_id = l.agency_id
WHERE l.account <> '' AND `+days+` <= 3
  AND NOT EXISTS (SELECT 1 FROM m1 WHERE m1.line_id = l.id) AND NOT EXISTS (SELECT 1 FROM m1 WHERE m1.d_id = d.id)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pairs [][2]int64
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		pairs = append(pairs, p)
	}
	return pairs, rows.Err()
}

// q puts a query's ? parameters in the engine's style.
func (r *run) q(s string) string {
	if r.opt.Engine != "postgres" {
		return s
	}
	n := 0
	out := []byte{}
	for i := 0; i < len(s); i++ {
		if s[i] == '?' {
			n++
			out = append(out, fmt.Sprintf("$%d", n)...)
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}
