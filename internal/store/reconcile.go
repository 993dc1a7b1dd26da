package store

import (
	"context"
	"database/sql"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/recon"
)

// DefaultWindowDays is reconciliation.window_days when not configured.
const DefaultWindowDays = 3

type reconRow struct {
	ID          int64
	StatementID int64
	WindowDays  int
	CreatedByID int64
	CreatedBy   string `gorm:"->"`
	CreatedAt   time.Time
}

// matchRow is a row of recon_matches; its JSON names are those of the
// audit trail's entries, like every other record's.
type matchRow struct {
	ID               int64        `json:"id"`
	ReconciliationID int64        `json:"reconciliation_id"`
	DisbursementID   int64        `json:"disbursement_id"`
	LineID           int64        `json:"line_id"`
	Kind             string       `json:"kind"`
	Rule             string       `json:"rule"`
	Difference       money.Amount `json:"difference"`
	Confirmed        bool         `json:"confirmed"`
	CreatedByID      int64        `json:"created_by_id"`
	ConfirmedByID    *int64       `json:"confirmed_by_id"`
	CreatedAt        time.Time    `json:"created_at"`
	ConfirmedAt      *time.Time   `json:"confirmed_at"`
}

func (matchRow) TableName() string { return "recon_matches" }

const matchSelect = `SELECT m.id, m.disbursement_id, m.line_id, m.rule, m.kind, m.confirmed, m.difference, m.created_at, m.confirmed_at,
  cu.email AS created_by, fu.email AS confirmed_by, fu.name AS confirmed_by_name, l.booking_date, l.statement_id
FROM recon_matches m
JOIN statement_lines l ON l.id = m.line_id
JOIN users cu ON cu.id = m.created_by_id
LEFT JOIN users fu ON fu.id = m.confirmed_by_id`

// candidateSQL selects the paid and returned disbursements of an agency
// with their recipient's account and whether a line already pays or
// returns them.
const candidateSQL = `SELECT d.id, d.amount AS amount_sen, d.paid_on, COALESCE(d.returned_on, '') AS returned_on, d.payment_ref AS ref,
  r.account_no AS account,
  EXISTS (SELECT 1 FROM recon_matches m WHERE m.disbursement_id = d.id AND m.kind = 'payment') AS paired,
  EXISTS (SELECT 1 FROM recon_matches m WHERE m.disbursement_id = d.id AND m.kind = 'retur') AS retur_paired
FROM disbursements d
JOIN programs p ON p.id = d.program_id
JOIN recipients r ON r.id = d.recipient_id
WHERE p.agency_id = ? AND d.status IN ? AND d.paid_on IS NOT NULL`

// eachCandidate calls fn with every disbursement of an agency that a line
// may still match, read one row at a time beside fn (readBeside).
func (s *Store) eachCandidate(ctx context.Context, agencyID int64, fn func(recon.Payment)) (int, error) {
	rows, err := s.conn(ctx).Raw(candidateSQL, agencyID, statusArg(finance.EverPaid)).Rows()
	if err != nil {
		return 0, err
	}
	n := 0
	err = readBeside(rows, func(rows *sql.Rows, p *recon.Payment) (bool, error) {
		err := rows.Scan(&p.ID, &p.AmountSen, &p.PaidOn, &p.ReturnedOn, &p.Ref, &p.Account, &p.Paired, &p.ReturPaired)
		// a disbursement paid and, if returned, returned by a line has nothing left to match
		return err == nil && !(p.Paired && (p.ReturnedOn == "" || p.ReturPaired)), err
	}, func(p *recon.Payment) error {
		fn(*p)
		n++
		return nil
	})
	return n, err
}

// eachUnmatchedLine calls fn with every line of a statement that no match
// holds, read one row at a time beside fn (readBeside): in id order when
// byID is set, else in the statement's own order, which needs no sort.
func (s *Store) eachUnmatchedLine(ctx context.Context, statementID int64, byID bool, fn func(recon.BankLine) error) error {
	q := `SELECT l.id, l.booking_date, l.amount, l.reference, l.counterparty_account, l.description
FROM statement_lines l WHERE l.statement_id = ? AND NOT EXISTS (SELECT 1 FROM recon_matches m WHERE m.line_id = l.id)`
	if byID {
		q += " ORDER BY l.id"
	}
	rows, err := s.conn(ctx).Raw(q, statementID).Rows()
	if err != nil {
		return err
	}
	return readBeside(rows, func(rows *sql.Rows, l *recon.BankLine) (bool, error) {
		err := rows.Scan(&l.ID, &l.BookingDate, &l.AmountSen, &l.Ref, &l.Account, &l.Description)
		return err == nil, err
	}, func(l *recon.BankLine) error { return fn(*l) })
}

// matchOpen runs the matcher over a statement's open lines and the
// agency's open disbursements, streamed from the database.
func (s *Store) matchOpen(ctx context.Context, st *finance.Statement, windowDays int) (*recon.Matcher, int, int, error) {
	m := recon.NewMatcher(windowDays)
	m.Grow(0, st.LineCount)
	np, err := s.eachCandidate(ctx, st.AgencyID, m.AddPayment)
	if err != nil {
		return nil, 0, 0, err
	}
	nl := 0
	err = s.eachUnmatchedLine(ctx, st.ID, false, func(l recon.BankLine) error {
		m.AddLine(l)
		nl++
		return nil
	})
	if err != nil {
		return nil, 0, 0, err
	}
	m.Run()
	return m, np, nl, nil
}

// ReconcileRun is what a reconciliation stored, without its result.
type ReconcileRun struct {
	ID         int64
	Lines      int            // open lines of the statement that were matched against
	Candidates int            // open disbursements of the agency
	Rules      map[string]int // matches by rule
	Ambiguous  int
	Reconciled int // disbursements the run reconciled
	// Match is the time reading the candidates and lines and matching
	// them took; Write the time storing the matches and setting reconciled.
	Match, Write time.Duration
}

// Reconcile runs a reconciliation (RunReconciliation) and returns its
// result whole. Errors: those of RunReconciliation.
func (s *Store) Reconcile(ctx context.Context, in finance.ReconcileInput) (*finance.Reconciliation, error) {
	run, err := s.RunReconciliation(ctx, in)
	if err != nil {
		return nil, err
	}
	return s.reconciliation(ctx, run.ID)
}

// matchBatch bounds the rows of one insert of matches.
const matchBatch = 500

// RunReconciliation matches a statement's lines with the paid and returned
// disbursements of its agency that no line holds yet, stores the matches
// with their rules, sets reconciled on the disbursements that reference,
// bulk and account_date matches settle, and writes one audit entry, in one
// transaction. Lines and disbursements are read one row at a time into a
// recon.Matcher and the matches written in batches, so memory stays bounded
// by the Matcher's few numbers an item (about 150 MiB for a million of
// each). Errors: unauthorized, forbidden, not_found, validation_failed (no
// statement_id), conflict (the statement is reconciled already).
func (s *Store) RunReconciliation(ctx context.Context, in finance.ReconcileInput) (*ReconcileRun, error) {
	if in.StatementID <= 0 {
		return nil, finance.FieldError("statement_id", "is required")
	}
	if in.WindowDays <= 0 {
		in.WindowDays = DefaultWindowDays
	}
	run := &ReconcileRun{Rules: map[string]int{}}
	err := s.InTx(ctx, func(ctx context.Context) error {
		st, err := s.statementByID(ctx, in.StatementID)
		if err != nil {
			return finance.FieldError("statement_id", "no statement has this id")
		}
		actor, err := finance.Authorize(ctx, finance.ActReconcile, &st.AgencyID)
		if err != nil {
			return err
		}
		if err := s.lockAgencyRecon(ctx, st.AgencyID); err != nil {
			return err
		}
		var have []int64
		s.conn(ctx).Raw("SELECT id FROM reconciliations WHERE statement_id = ?", st.ID).Scan(&have)
		if len(have) > 0 {
			return finance.Errorf(finance.EConflict, "statement %d is reconciled already: reconciliation %d", st.ID, have[0])
		}
		rc := &reconRow{StatementID: st.ID, WindowDays: in.WindowDays, CreatedByID: actor.UserID, CreatedAt: s.Now()}
		if err := s.conn(ctx).Table("reconciliations").Omit("CreatedBy").Create(rc).Error; err != nil {
			return translate(err, "reconciliation")
		}
		run.ID = rc.ID
		start := time.Now()
		m, np, nl, err := s.matchOpen(ctx, st, in.WindowDays)
		if err != nil {
			return err
		}
		run.Match, start = time.Since(start), time.Now()
		run.Candidates, run.Lines, run.Ambiguous = np, nl, len(m.Ambiguous())
		if err := s.conn(ctx).Exec("DROP TABLE IF EXISTS recon_new").Error; err != nil {
			return err
		}
		if err := s.conn(ctx).Exec(matchTemp).Error; err != nil {
			return err
		}
		w := &matchWriter{s: s}
		defer w.close()
		var settled []int64
		err = m.EachPair(func(p recon.Pair) error {
			run.Rules[p.Rule]++
			if recon.Settles(p.Rule) && kindOf(p.Rule) == "payment" {
				settled = append(settled, p.DisbursementID)
			}
			return w.add(ctx, p)
		})
		if err == nil {
			err = w.store(ctx, rc.ID, actor.UserID, s.Now())
		}
		if err != nil {
			return err
		}
		run.Reconciled = len(settled)
		run.Write = time.Since(start)
		return s.audit(ctx, "reconcile", "reconciliation", rc.ID, nil, map[string]any{
			"statement_id": st.ID, "window_days": in.WindowDays, "rules": run.Rules, "lines": nl, "candidates": np,
			"ambiguous": run.Ambiguous, "reconciled": settled})
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// matchWriter gathers a run's matches in a temporary table that has
// neither index nor foreign key (recon_new), matchBatch rows an insert on
// SQLite (one prepared statement) and a batch of column arrays through
// unnest on PostgreSQL; store then moves them into recon_matches with one
// INSERT … SELECT in line order and sets reconciled with one UPDATE.
// Row by row, each match paid its index entries and foreign-key probes in
// the matcher's order; in line order the line index and the lines' pages
// are each visited once, and the disbursement index is held in cache.
type matchWriter struct {
	s       *Store
	disb    []int64
	line    []int64
	kind    []string
	rule    []string
	diff    []int64
	confirm []bool
	args    []any
	full    *sql.Stmt // SQLite's insert of a full batch, prepared once
	total   int       // matches gathered so far
}

// bigRun is the number of matches from which the SQLite move into
// recon_matches gets a larger page cache (and the memory to hold it):
// below it the index it visits at random fits in the default cache.
const bigRun = 100_000

const matchTemp = "CREATE TEMP TABLE recon_new (disbursement_id BIGINT NOT NULL, line_id BIGINT NOT NULL, kind TEXT NOT NULL, rule TEXT NOT NULL, difference BIGINT NOT NULL, confirmed BOOLEAN NOT NULL)"

const matchColumns = 6

const matchInsert = "INSERT INTO recon_new (disbursement_id, line_id, kind, rule, difference, confirmed) "

func (w *matchWriter) add(ctx context.Context, p recon.Pair) error {
	w.disb = append(w.disb, p.DisbursementID)
	w.line = append(w.line, p.LineID)
	w.kind = append(w.kind, kindOf(p.Rule))
	w.rule = append(w.rule, p.Rule)
	w.diff = append(w.diff, p.DifferenceSen)
	w.confirm = append(w.confirm, recon.Settles(p.Rule))
	w.total++
	if len(w.disb) == w.batch() {
		return w.flush(ctx)
	}
	return nil
}

// batch is how many rows one insert into recon_new carries: SQLite binds
// each value, PostgreSQL six arrays.
func (w *matchWriter) batch() int {
	if w.s.driver == "postgres" {
		return 20 * matchBatch
	}
	return matchBatch
}

// flush writes the rows added; close releases the prepared statement.
func (w *matchWriter) flush(ctx context.Context) error {
	n := len(w.disb)
	if n == 0 {
		return nil
	}
	pool := w.s.conn(ctx).Statement.ConnPool
	var err error
	switch {
	case w.s.driver == "postgres":
		_, err = pool.ExecContext(ctx, matchInsert+"SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::boolean[])",
			w.disb, w.line, w.kind, w.rule, w.diff, w.confirm)
	default:
		w.args = w.args[:0]
		for i := range n {
			w.args = append(w.args, w.disb[i], w.line[i], w.kind[i], w.rule[i], w.diff[i], w.confirm[i])
		}
		if n == matchBatch {
			if w.full == nil {
				if w.full, err = pool.PrepareContext(ctx, matchInsert+"VALUES "+w.s.valueRows(matchColumns, matchBatch)); err != nil {
					return err
				}
			}
			_, err = w.full.ExecContext(ctx, w.args...)
		} else {
			_, err = pool.ExecContext(ctx, matchInsert+"VALUES "+w.s.valueRows(matchColumns, n), w.args...)
		}
	}
	w.disb, w.line, w.kind, w.rule, w.diff, w.confirm = w.disb[:0], w.line[:0], w.kind[:0], w.rule[:0], w.diff[:0], w.confirm[:0]
	return err
}

// store moves the gathered matches into recon_matches, in line order,
// and sets reconciled on the disbursements the settling payment matches
// pay.
func (w *matchWriter) store(ctx context.Context, reconID, actorID int64, now time.Time) error {
	if err := w.flush(ctx); err != nil {
		return err
	}
	db := w.s.conn(ctx)
	if w.s.driver == "sqlite" && w.total >= bigRun {
		// A page cache that holds the one index the line order visits at
		// random: the matcher's garbage is handed back first to make room
		// for it under 512 MiB.
		debug.FreeOSMemory()
		if err := w.s.raiseCache(ctx, sqliteReconCache); err != nil {
			return err
		}
	}
	const cols = "INSERT INTO recon_matches (reconciliation_id, disbursement_id, line_id, kind, rule, difference, confirmed, created_by_id, confirmed_by_id, created_at, confirmed_at) "
	if err := db.Exec(cols+"SELECT ?, disbursement_id, line_id, kind, rule, difference, confirmed, ?, ?, ?, ? FROM recon_new WHERE confirmed ORDER BY line_id",
		reconID, actorID, actorID, now, now).Error; err != nil {
		return err
	}
	if err := db.Exec(cols+"SELECT ?, disbursement_id, line_id, kind, rule, difference, confirmed, ?, NULL, ?, NULL FROM recon_new WHERE NOT confirmed ORDER BY line_id",
		reconID, actorID, now).Error; err != nil {
		return err
	}
	// the settling matches are this run's confirmed payment matches
	if err := db.Exec("UPDATE disbursements SET reconciled = TRUE WHERE id IN (SELECT disbursement_id FROM recon_new WHERE kind = 'payment' AND confirmed)").Error; err != nil {
		return err
	}
	return db.Exec("DROP TABLE recon_new").Error
}

func (w *matchWriter) close() {
	if w.full != nil {
		w.full.Close()
	}
}

// valueRows is the placeholders of rows rows of cols columns, in the
// engine's own spelling (? or $n): for statements that bypass gorm.
func (s *Store) valueRows(cols, rows int) string {
	var b strings.Builder
	n := 0
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			if n++; s.driver == "postgres" {
				b.WriteString("$" + strconv.Itoa(n))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// lockAgencyRecon serialises reconciliations of one agency on PostgreSQL,
// so two runs cannot pair one disbursement twice (the unique index would
// refuse the second anyway); SQLite's BEGIN IMMEDIATE already does.
func (s *Store) lockAgencyRecon(ctx context.Context, agencyID int64) error {
	if s.driver != "postgres" {
		return nil
	}
	return s.conn(ctx).Exec("SELECT pg_advisory_xact_lock(727011, ?)", int32(agencyID)).Error
}

func kindOf(rule string) string {
	if recon.IsRetur(rule) {
		return "retur"
	}
	return "payment"
}

// FindReconciliationByID returns a reconciliation's result for actors who
// may read its statement. Errors: unauthorized, not_found, forbidden.
func (s *Store) FindReconciliationByID(ctx context.Context, id int64, windowDays int) (*finance.Reconciliation, error) {
	return s.reconciliation(ctx, id)
}

func (s *Store) reconRow(ctx context.Context, id int64) (*reconRow, *finance.Statement, error) {
	var rc reconRow
	err := s.conn(ctx).Raw(`SELECT rc.*, u.email AS created_by FROM reconciliations rc JOIN users u ON u.id = rc.created_by_id WHERE rc.id = ?`, id).Take(&rc).Error
	if err != nil {
		return nil, nil, translate(err, "reconciliation")
	}
	st, err := s.statementByID(ctx, rc.StatementID)
	if err != nil {
		return nil, nil, err
	}
	return &rc, st, nil
}

func (s *Store) reconciliation(ctx context.Context, id int64) (*finance.Reconciliation, error) {
	var c reconCollector
	if err := s.EachReconciliation(ctx, id, &c); err != nil {
		return nil, err
	}
	return c.r, nil
}

// reconCollector holds a reconciliation's result whole.
type reconCollector struct{ r *finance.Reconciliation }

func (c *reconCollector) Begin(head *finance.Reconciliation) error {
	c.r = head
	return nil
}

func (c *reconCollector) Item(list string, v any) error {
	switch x := v.(type) {
	case *finance.Match:
		c.r.Matched = append(c.r.Matched, x)
	case *finance.AmountMismatch:
		c.r.AmountMismatches = append(c.r.AmountMismatches, x)
	case finance.Ambiguity:
		c.r.Ambiguous = append(c.r.Ambiguous, x)
	case int64:
		if list == "unmatched_lines" {
			c.r.UnmatchedLines = append(c.r.UnmatchedLines, x)
		} else {
			c.r.UnmatchedDisbursements = append(c.r.UnmatchedDisbursements, x)
		}
	}
	return nil
}

func (c *reconCollector) End(r *finance.Reconciliation) error {
	c.r.Totals, c.r.AmbiguousLimited = r.Totals, r.AmbiguousLimited
	return nil
}

// ReconcileTo runs a reconciliation (RunReconciliation) and gives its
// result to sink. Errors: those of RunReconciliation.
func (s *Store) ReconcileTo(ctx context.Context, in finance.ReconcileInput, sink finance.ReconciliationSink) error {
	run, err := s.RunReconciliation(ctx, in)
	if err != nil {
		return err
	}
	return s.EachReconciliation(ctx, run.ID, sink)
}

// EachReconciliation gives a reconciliation's result to sink in API.md's
// shape, each list read from a database cursor as it goes, so memory does
// not grow with the matches: the users a small map, the totals summed on
// the way, and suggestions (ambiguous) for the first finance.SuggestLines
// open lines only (recon.MaxCandidates each), matched against the agency's open disbursements in a
// recon.Matcher (a few numbers each, as RunReconciliation holds). Errors,
// before sink gets anything: unauthorized, not_found, forbidden.
func (s *Store) EachReconciliation(ctx context.Context, id int64, sink finance.ReconciliationSink) error {
	rc, st, err := s.reconRow(ctx, id)
	if err != nil {
		return err
	}
	if _, err := finance.AuthorizeRead(ctx, &st.AgencyID); err != nil {
		return err
	}
	out := &finance.Reconciliation{ID: rc.ID, StatementID: st.ID, WindowDays: rc.WindowDays, Balanced: st.Balanced,
		CreatedBy: rc.CreatedBy, CreatedAt: rc.CreatedAt, Matched: []*finance.Match{}, AmountMismatches: []*finance.AmountMismatch{},
		UnmatchedDisbursements: []int64{}, UnmatchedLines: []int64{}, Ambiguous: []finance.Ambiguity{}}
	users, err := s.reconUsers(ctx, id)
	if err != nil {
		return err
	}
	if err := sink.Begin(out); err != nil {
		return err
	}
	// matched: all but the amount mismatches not confirmed
	err = s.eachMatch(ctx, users, "m.reconciliation_id = ? AND (m.rule <> ? OR m.confirmed)", []any{id, recon.RuleAmountMismatch},
		func(m *finance.Match) error { return sink.Item("matched", m) })
	if err != nil {
		return err
	}
	if out.Totals, err = s.eachUnmatchedDisbursement(ctx, rc, st, func(id int64) error { return sink.Item("unmatched_disbursements", id) }); err != nil {
		return err
	}
	// Candidates for what is still open: matching again over the open
	// disbursements and the first open lines proposes what a person could confirm.
	m := recon.NewMatcher(rc.WindowDays)
	m.Grow(0, min(st.LineCount, finance.SuggestLines))
	if _, err := s.eachCandidate(ctx, st.AgencyID, m.AddPayment); err != nil {
		return err
	}
	var abs int64
	nl := 0
	err = s.eachUnmatchedLine(ctx, st.ID, true, func(l recon.BankLine) error {
		if l.AmountSen < 0 {
			abs -= l.AmountSen
		} else {
			abs += l.AmountSen
		}
		if nl++; nl <= finance.SuggestLines {
			m.AddLine(l)
		}
		return sink.Item("unmatched_lines", l.ID)
	})
	if err != nil {
		return err
	}
	out.Totals.UnmatchedLines = money.FromSen(abs)
	err = s.eachMatch(ctx, users, "m.reconciliation_id = ? AND m.rule = ?", []any{id, recon.RuleAmountMismatch}, func(m *finance.Match) error {
		return sink.Item("amount_mismatches", &finance.AmountMismatch{MatchID: m.ID, DisbursementID: m.DisbursementID,
			LineID: m.LineID, Difference: m.Difference, Confirmed: m.Confirmed, BookingDate: m.BookingDate})
	})
	if err != nil {
		return err
	}
	m.Run()
	byLine := map[int64][]int64{}
	m.EachPair(func(p recon.Pair) error {
		byLine[p.LineID] = append(byLine[p.LineID], p.DisbursementID)
		return nil
	})
	for _, a := range m.Ambiguous() {
		byLine[a.LineID] = append(byLine[a.LineID], a.Candidates...)
	}
	keys := make([]int64, 0, len(byLine))
	for k := range byLine {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := sink.Item("ambiguous", finance.Ambiguity{LineID: k, Candidates: byLine[k]}); err != nil {
			return err
		}
	}
	if nl > finance.SuggestLines {
		out.AmbiguousLimited = &finance.SuggestLimits{Lines: finance.SuggestLines, Candidates: recon.MaxCandidates}
	}
	return sink.End(out)
}

// reconUser is who made or confirmed a match.
type reconUser struct {
	ID          int64
	Email, Name string
}

// reconUsers are the people who made or confirmed a reconciliation's
// matches: a handful, whatever the number of matches.
func (s *Store) reconUsers(ctx context.Context, id int64) (map[int64]reconUser, error) {
	var us []reconUser
	err := s.conn(ctx).Raw(`SELECT id, email, name FROM users WHERE id IN (SELECT created_by_id FROM recon_matches WHERE reconciliation_id = ?)
  OR id IN (SELECT confirmed_by_id FROM recon_matches WHERE reconciliation_id = ?)`, id, id).Scan(&us).Error
	out := make(map[int64]reconUser, len(us))
	for _, u := range us {
		out[u.ID] = u
	}
	return out, err
}

// eachMatch calls fn with the matches where holds, by line and
// disbursement, one row at a time, their people's e-mails from users.
func (s *Store) eachMatch(ctx context.Context, users map[int64]reconUser, where string, args []any, fn func(*finance.Match) error) error {
	rows, err := s.conn(ctx).Raw(`SELECT m.id, m.disbursement_id, m.line_id, m.rule, m.kind, m.confirmed, m.difference, m.created_at, m.confirmed_at,
  m.created_by_id, m.confirmed_by_id, l.booking_date, l.statement_id
FROM recon_matches m JOIN statement_lines l ON l.id = m.line_id
WHERE `+where+" ORDER BY m.line_id, m.disbursement_id", args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r struct {
			finance.Match
			CreatedByID   int64
			ConfirmedByID *int64
		}
		if err := s.conn(ctx).ScanRows(rows, &r); err != nil {
			return err
		}
		m := &r.Match
		m.CreatedBy = users[r.CreatedByID].Email
		if r.ConfirmedByID != nil {
			u := users[*r.ConfirmedByID]
			m.ConfirmedBy, m.ConfirmedByName = &u.Email, &u.Name
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

// eachUnmatchedDisbursement calls fn with the disbursements a
// reconciliation considered that no line holds, by id, and sums the
// totals over all it considered: those this reconciliation matched, and
// the agency's paid ones no line holds whose paid_on falls in the
// statement's period widened by the window.
func (s *Store) eachUnmatchedDisbursement(ctx context.Context, rc *reconRow, st *finance.Statement, fn func(int64) error) (finance.ReconTotals, error) {
	var t finance.ReconTotals
	from, to := shiftDate(st.PeriodFrom, -rc.WindowDays), shiftDate(st.PeriodTo, rc.WindowDays)
	// a disbursement has at most one payment match (pm) and one retur
	// match (rm): joined through their unique index, not summed per row
	rows, err := s.conn(ctx).Raw(`SELECT d.id, d.amount, pm.reconciliation_id, pm.rule, pm.confirmed, rm.reconciliation_id, rm.rule, rm.confirmed
FROM disbursements d JOIN programs p ON p.id = d.program_id
LEFT JOIN recon_matches pm ON pm.disbursement_id = d.id AND pm.kind = 'payment'
LEFT JOIN recon_matches rm ON rm.disbursement_id = d.id AND rm.kind = 'retur'
WHERE p.agency_id = ? AND d.status IN ?
  AND (pm.reconciliation_id = ? OR (d.paid_on BETWEEN ? AND ? AND pm.id IS NULL))
ORDER BY d.id`, st.AgencyID, statusArg(finance.EverPaid), rc.ID, from, to).Rows()
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var amount money.Amount
		var pm, rm struct {
			recon     *int64
			rule      *string
			confirmed *bool
		}
		if err := rows.Scan(&id, &amount, &pm.recon, &pm.rule, &pm.confirmed, &rm.recon, &rm.rule, &rm.confirmed); err != nil {
			return t, err
		}
		pmThis := pm.recon != nil && *pm.recon == rc.ID
		t.Paid = t.Paid.Add(amount)
		if pmThis && *pm.confirmed {
			t.Matched = t.Matched.Add(amount)
		}
		rmOpenMismatch := rm.recon != nil && *rm.recon == rc.ID && *rm.rule == recon.RuleAmountMismatch && !*rm.confirmed
		if pmThis && *pm.rule == recon.RuleAmountMismatch && !*pm.confirmed {
			t.Mismatched = t.Mismatched.Add(amount)
		}
		if rmOpenMismatch {
			t.Mismatched = t.Mismatched.Add(amount)
		}
		if pm.recon == nil && !rmOpenMismatch {
			if err := fn(id); err != nil {
				return t, err
			}
		}
	}
	t.Unmatched = t.Paid.Sub(t.Matched)
	return t, rows.Err()
}

func shiftDate(d string, days int) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.AddDate(0, 0, days).Format("2006-01-02")
}

func (s *Store) matchByID(ctx context.Context, reconID, matchID int64) (*finance.Match, *matchRow, error) {
	var row matchRow
	if err := s.conn(ctx).Raw("SELECT * FROM recon_matches WHERE id = ? AND reconciliation_id = ?", matchID, reconID).Take(&row).Error; err != nil {
		return nil, nil, translate(err, "match")
	}
	var m finance.Match
	if err := s.conn(ctx).Raw(matchSelect+" WHERE m.id = ?", matchID).Take(&m).Error; err != nil {
		return nil, nil, translate(err, "match")
	}
	return &m, &row, nil
}

// reconForAct loads a reconciliation and authorizes a change to it.
func (s *Store) reconForAct(ctx context.Context, id int64) (*finance.Actor, *reconRow, *finance.Statement, error) {
	rc, st, err := s.reconRow(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := finance.AuthorizeRead(ctx, &st.AgencyID); err != nil {
		return nil, nil, nil, err
	}
	actor, err := finance.Authorize(ctx, finance.ActReconcile, &st.AgencyID)
	if err != nil {
		return nil, nil, nil, err
	}
	return actor, rc, st, nil
}

// MatchManually pairs a disbursement with a line of the reconciliation's
// statement: a debit with a paid (or returned) disbursement, a credit with
// a returned one. Equal amounts reconcile at once; different amounts wait
// for a second person's confirmation. Errors: unauthorized, forbidden,
// not_found, validation_failed (a line or disbursement that is not the
// statement's or agency's, the wrong kind), conflict (either already matched).
func (s *Store) MatchManually(ctx context.Context, reconID int64, in finance.ManualMatchInput) (*finance.Match, error) {
	var matchID int64
	err := s.InTx(ctx, func(ctx context.Context) error {
		actor, rc, st, err := s.reconForAct(ctx, reconID)
		if err != nil {
			return err
		}
		var l finance.StatementLine
		if err := s.conn(ctx).Raw("SELECT * FROM statement_lines WHERE id = ? AND statement_id = ?", in.LineID, st.ID).Take(&l).Error; err != nil {
			return finance.FieldError("line_id", "no line of this statement has this id")
		}
		d, err := s.disbursementByID(ctx, in.DisbursementID)
		if err != nil || d.AgencyID != st.AgencyID {
			return finance.FieldError("disbursement_id", "no disbursement of this agency has this id")
		}
		kind := "payment"
		if !l.Amount.IsNegative() {
			kind = "retur"
		}
		switch {
		case kind == "payment" && d.Status != finance.StatusPaid && d.Status != finance.StatusReturned:
			return finance.Fields{"disbursement_id": finance.M("is %s; only a paid or returned disbursement matches a debit line", finance.M(string(d.Status)))}.Err()
		case kind == "retur" && d.Status != finance.StatusReturned:
			return finance.Fields{"disbursement_id": finance.M("is %s; a credit line (retur) matches only a returned disbursement", finance.M(string(d.Status)))}.Err()
		}
		var taken []int64
		s.conn(ctx).Raw("SELECT id FROM recon_matches WHERE line_id = ?", l.ID).Scan(&taken)
		if len(taken) > 0 {
			return finance.Errorf(finance.EConflict, "line %d is already matched (match %d); undo that match first", l.ID, taken[0])
		}
		s.conn(ctx).Raw("SELECT id FROM recon_matches WHERE disbursement_id = ? AND kind = ?", d.ID, kind).Scan(&taken)
		if len(taken) > 0 {
			return finance.Errorf(finance.EConflict, "disbursement %d is already matched to a line (match %d); undo that match first", d.ID, taken[0])
		}
		bank := l.Amount
		if bank.IsNegative() {
			bank = bank.Neg()
		}
		diff := bank.Sub(d.Amount)
		m := &matchRow{ReconciliationID: rc.ID, DisbursementID: d.ID, LineID: l.ID, Kind: kind, Rule: recon.RuleManual,
			Difference: diff, Confirmed: diff.IsZero(), CreatedByID: actor.UserID, CreatedAt: s.Now()}
		if m.Confirmed {
			now := s.Now()
			m.ConfirmedByID, m.ConfirmedAt = &actor.UserID, &now
		}
		if err := s.conn(ctx).Create(m).Error; err != nil {
			return translate(err, "match")
		}
		matchID = m.ID
		if m.Confirmed && kind == "payment" {
			if err := s.setReconciled(ctx, d.ID, true); err != nil {
				return err
			}
		}
		return s.audit(ctx, "match", "reconciliation", rc.ID, nil, m)
	})
	if err != nil {
		return nil, err
	}
	m, _, err := s.matchByID(ctx, reconID, matchID)
	return m, err
}

func (s *Store) setReconciled(ctx context.Context, disbursementID int64, v bool) error {
	return s.conn(ctx).Exec("UPDATE disbursements SET reconciled = ?, updated_at = ? WHERE id = ?", v, s.Now(), disbursementID).Error
}

// ConfirmMatch confirms a probable match, an amount mismatch or a manual
// match of different amounts; the latter only by someone other than who
// made it. A confirmed payment match reconciles the disbursement. Errors:
// unauthorized, forbidden, not_found, conflict (confirmed already).
func (s *Store) ConfirmMatch(ctx context.Context, reconID, matchID int64) (*finance.Match, error) {
	err := s.InTx(ctx, func(ctx context.Context) error {
		actor, rc, _, err := s.reconForAct(ctx, reconID)
		if err != nil {
			return err
		}
		_, row, err := s.matchByID(ctx, rc.ID, matchID)
		if err != nil {
			return err
		}
		if row.Confirmed {
			return finance.Errorf(finance.EConflict, "match %d is confirmed already", matchID)
		}
		if row.Rule == recon.RuleManual && !row.Difference.IsZero() && row.CreatedByID == actor.UserID {
			return finance.Errorf(finance.EForbidden, "you made this match of different amounts; a second person must confirm it")
		}
		before := *row
		now := s.Now()
		if err := s.conn(ctx).Exec("UPDATE recon_matches SET confirmed = TRUE, confirmed_by_id = ?, confirmed_at = ? WHERE id = ?",
			actor.UserID, now, matchID).Error; err != nil {
			return err
		}
		if row.Kind == "payment" {
			if err := s.setReconciled(ctx, row.DisbursementID, true); err != nil {
				return err
			}
		}
		row.Confirmed, row.ConfirmedByID, row.ConfirmedAt = true, &actor.UserID, &now
		return s.audit(ctx, "confirm_match", "reconciliation", rc.ID, before, row)
	})
	if err != nil {
		return nil, err
	}
	m, _, err := s.matchByID(ctx, reconID, matchID)
	return m, err
}

// Unmatch undoes a match: the line and the disbursement are open again
// and the disbursement is no longer reconciled. Errors: unauthorized,
// forbidden, not_found.
func (s *Store) Unmatch(ctx context.Context, reconID, matchID int64) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		_, rc, _, err := s.reconForAct(ctx, reconID)
		if err != nil {
			return err
		}
		_, row, err := s.matchByID(ctx, rc.ID, matchID)
		if err != nil {
			return err
		}
		if err := s.conn(ctx).Exec("DELETE FROM recon_matches WHERE id = ?", matchID).Error; err != nil {
			return err
		}
		if row.Kind == "payment" {
			if err := s.setReconciled(ctx, row.DisbursementID, false); err != nil {
				return err
			}
		}
		return s.audit(ctx, "unmatch", "reconciliation", rc.ID, row, nil)
	})
}

// DisbursementReconciliation lists the lines that pay or return a
// disbursement, by rule and date. Errors: unauthorized, not_found, forbidden.
func (s *Store) DisbursementReconciliation(ctx context.Context, id int64) (*finance.DisbursementReconciliation, error) {
	d, err := s.FindDisbursementByID(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &finance.DisbursementReconciliation{Reconciled: d.Reconciled, Matches: []*finance.Match{}}
	if err := s.conn(ctx).Raw(matchSelect+" WHERE m.disbursement_id = ? ORDER BY m.id", id).Scan(&out.Matches).Error; err != nil {
		return nil, err
	}
	if d.Status == finance.StatusReturned {
		if out.Closure, err = s.FindReturClosure(ctx, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}
