package store

import (
	"context"
	"database/sql"
	"sort"
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

type matchRow struct {
	ID               int64
	ReconciliationID int64
	DisbursementID   int64
	LineID           int64
	Kind             string
	Rule             string
	Difference       money.Amount
	Confirmed        bool
	CreatedByID      int64
	ConfirmedByID    *int64
	CreatedAt        time.Time
	ConfirmedAt      *time.Time
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
// may still match, reading them one row at a time.
func (s *Store) eachCandidate(ctx context.Context, agencyID int64, fn func(recon.Payment)) (int, error) {
	rows, err := s.conn(ctx).Raw(candidateSQL, agencyID, statusArg(finance.EverPaid)).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var p recon.Payment
		var amount money.Amount
		if err := rows.Scan(&p.ID, &amount, &p.PaidOn, &p.ReturnedOn, &p.Ref, &p.Account, &p.Paired, &p.ReturPaired); err != nil {
			return 0, err
		}
		p.AmountSen = amount.Sen()
		if p.Paired && (p.ReturnedOn == "" || p.ReturPaired) {
			continue // nothing left to match
		}
		fn(p)
		n++
	}
	return n, rows.Err()
}

// eachUnmatchedLine calls fn with every line of a statement that no match
// holds, in id order, one row at a time.
func (s *Store) eachUnmatchedLine(ctx context.Context, statementID int64, fn func(recon.BankLine)) (int, error) {
	rows, err := s.conn(ctx).Raw(`SELECT l.id, l.booking_date, l.amount, l.reference, l.counterparty_account, l.description
FROM statement_lines l WHERE l.statement_id = ? AND NOT EXISTS (SELECT 1 FROM recon_matches m WHERE m.line_id = l.id)
ORDER BY l.id`, statementID).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var l recon.BankLine
		var amount money.Amount
		if err := rows.Scan(&l.ID, &l.BookingDate, &amount, &l.Ref, &l.Account, &l.Description); err != nil {
			return 0, err
		}
		l.AmountSen = amount.Sen()
		fn(l)
		n++
	}
	return n, rows.Err()
}

// matchOpen runs the matcher over a statement's open lines and the
// agency's open disbursements, streamed from the database.
func (s *Store) matchOpen(ctx context.Context, st *finance.Statement, windowDays int, line func(recon.BankLine)) (*recon.Matcher, int, int, error) {
	m := recon.NewMatcher(windowDays)
	m.Grow(0, st.LineCount)
	np, err := s.eachCandidate(ctx, st.AgencyID, m.AddPayment)
	if err != nil {
		return nil, 0, 0, err
	}
	nl, err := s.eachUnmatchedLine(ctx, st.ID, func(l recon.BankLine) {
		if line != nil {
			line(l)
		}
		m.AddLine(l)
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
// result. Errors: those of RunReconciliation.
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
		m, np, nl, err := s.matchOpen(ctx, st, in.WindowDays, nil)
		if err != nil {
			return err
		}
		run.Match, start = time.Since(start), time.Now()
		run.Candidates, run.Lines, run.Ambiguous = np, nl, len(m.Ambiguous())
		w := &matchWriter{s: s, reconID: rc.ID, actorID: actor.UserID, now: s.Now()}
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
			err = w.flush(ctx)
		}
		if err != nil {
			return err
		}
		// the settling matches are this run's confirmed payment matches
		if err := s.conn(ctx).Exec(`UPDATE disbursements SET reconciled = TRUE WHERE id IN
  (SELECT disbursement_id FROM recon_matches WHERE reconciliation_id = ? AND kind = 'payment' AND confirmed)`, rc.ID).Error; err != nil {
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

// matchWriter inserts the matches of a run matchBatch rows at a time,
// through one prepared statement on the transaction's connection (a
// million matches would otherwise spend their time in building SQL).
type matchWriter struct {
	s       *Store
	reconID int64
	actorID int64
	now     time.Time
	args    []any
	rows    int
	full    *sql.Stmt // the insert of a full batch, prepared once
}

const matchColumns = 11

const matchInsert = "INSERT INTO recon_matches (reconciliation_id, disbursement_id, line_id, kind, rule, difference, confirmed, created_by_id, confirmed_by_id, created_at, confirmed_at) VALUES "

func (w *matchWriter) add(ctx context.Context, p recon.Pair) error {
	var confirmedBy *int64
	var confirmedAt *time.Time
	if recon.Settles(p.Rule) {
		confirmedBy, confirmedAt = &w.actorID, &w.now
	}
	w.args = append(w.args, w.reconID, p.DisbursementID, p.LineID, kindOf(p.Rule), p.Rule, money.FromSen(p.DifferenceSen),
		recon.Settles(p.Rule), w.actorID, confirmedBy, w.now, confirmedAt)
	if w.rows++; w.rows == matchBatch {
		return w.flush(ctx)
	}
	return nil
}

// flush writes the rows added; close releases the prepared statement.
func (w *matchWriter) flush(ctx context.Context) error {
	if w.rows == 0 {
		return nil
	}
	pool := w.s.conn(ctx).Statement.ConnPool
	var err error
	if w.rows == matchBatch {
		if w.full == nil {
			if w.full, err = pool.PrepareContext(ctx, matchInsert+w.s.valueRows(matchColumns, matchBatch)); err != nil {
				return err
			}
		}
		_, err = w.full.ExecContext(ctx, w.args...)
	} else {
		_, err = pool.ExecContext(ctx, matchInsert+w.s.valueRows(matchColumns, w.rows), w.args...)
	}
	w.args, w.rows = w.args[:0], 0
	return err
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
	rc, st, err := s.reconRow(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := finance.AuthorizeRead(ctx, &st.AgencyID); err != nil {
		return nil, err
	}
	out := &finance.Reconciliation{ID: rc.ID, StatementID: st.ID, WindowDays: rc.WindowDays, Balanced: st.Balanced,
		CreatedBy: rc.CreatedBy, CreatedAt: rc.CreatedAt, Matched: []*finance.Match{}, AmountMismatches: []*finance.AmountMismatch{},
		UnmatchedDisbursements: []int64{}, UnmatchedLines: []int64{}, Ambiguous: []finance.Ambiguity{}}
	var ms []*finance.Match
	if err := s.conn(ctx).Raw(matchSelect+" WHERE m.reconciliation_id = ? ORDER BY m.line_id, m.disbursement_id", id).Scan(&ms).Error; err != nil {
		return nil, err
	}
	inThis := map[int64]bool{}
	for _, m := range ms {
		if m.Rule == recon.RuleAmountMismatch {
			out.AmountMismatches = append(out.AmountMismatches, &finance.AmountMismatch{MatchID: m.ID, DisbursementID: m.DisbursementID,
				LineID: m.LineID, Difference: m.Difference, Confirmed: m.Confirmed})
			if !m.Confirmed {
				inThis[m.DisbursementID] = true
				continue
			}
		}
		out.Matched = append(out.Matched, m)
		if m.Kind == "payment" {
			inThis[m.DisbursementID] = true
		}
	}
	// The disbursements considered: those this reconciliation matched, and
	// the agency's paid ones no line holds whose paid_on falls in the
	// statement's period widened by the window.
	from, to := shiftDate(st.PeriodFrom, -rc.WindowDays), shiftDate(st.PeriodTo, rc.WindowDays)
	type dis struct {
		ID     int64
		Amount money.Amount
		Open   bool
	}
	var ds []dis
	err = s.conn(ctx).Raw(`SELECT d.id, d.amount,
  NOT EXISTS (SELECT 1 FROM recon_matches m WHERE m.disbursement_id = d.id AND m.kind = 'payment') AS open
FROM disbursements d JOIN programs p ON p.id = d.program_id
WHERE p.agency_id = ? AND d.status IN ?
  AND (d.id IN (SELECT disbursement_id FROM recon_matches WHERE reconciliation_id = ? AND kind = 'payment')
       OR (d.paid_on BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM recon_matches m WHERE m.disbursement_id = d.id AND m.kind = 'payment')))
ORDER BY d.id`, st.AgencyID, statusArg(finance.EverPaid), id, from, to).Scan(&ds).Error
	if err != nil {
		return nil, err
	}
	settled := map[int64]bool{}
	amounts := make(map[int64]money.Amount, len(ds))
	for _, d := range ds {
		amounts[d.ID] = d.Amount
	}
	for _, m := range ms {
		if m.Kind == "payment" && m.Confirmed {
			settled[m.DisbursementID] = true
		}
		if m.Rule == recon.RuleAmountMismatch && !m.Confirmed {
			out.Totals.Mismatched = out.Totals.Mismatched.Add(amounts[m.DisbursementID])
		}
	}
	for _, d := range ds {
		out.Totals.Paid = out.Totals.Paid.Add(d.Amount)
		if settled[d.ID] {
			out.Totals.Matched = out.Totals.Matched.Add(d.Amount)
		}
		if d.Open && !inThis[d.ID] {
			out.UnmatchedDisbursements = append(out.UnmatchedDisbursements, d.ID)
		}
	}
	out.Totals.Unmatched = out.Totals.Paid.Sub(out.Totals.Matched)
	// Candidates for what is still open: matching again over the open
	// lines and disbursements proposes what a person could confirm.
	var abs int64
	m, _, _, err := s.matchOpen(ctx, st, rc.WindowDays, func(l recon.BankLine) {
		out.UnmatchedLines = append(out.UnmatchedLines, l.ID)
		if l.AmountSen < 0 {
			abs -= l.AmountSen
		} else {
			abs += l.AmountSen
		}
	})
	if err != nil {
		return nil, err
	}
	out.Totals.UnmatchedLines = money.FromSen(abs)
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
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		out.Ambiguous = append(out.Ambiguous, finance.Ambiguity{LineID: k, Candidates: byLine[k]})
	}
	return out, nil
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
