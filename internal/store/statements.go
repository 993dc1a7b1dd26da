package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/recon"
)

const statementSelect = `SELECT s.*, a.code AS agency_code, u.email AS created_by, rc.id AS reconciliation_id
FROM statements s
JOIN agencies a ON a.id = s.agency_id
JOIN users u ON u.id = s.created_by_id
LEFT JOIN reconciliations rc ON rc.statement_id = s.id`

// ImportStatements reads a statement file and stores every statement in
// it, each with its lines, in one transaction. A statement imported before
// (same agency, account, period and lines) is not stored again but listed
// in Duplicates. Errors: unauthorized, forbidden, validation_failed (an
// unreadable file naming the line and reason, another currency naming
// both, a missing account, an unknown format or agency).
func (s *Store) ImportStatements(ctx context.Context, up finance.StatementUpload, r io.Reader) (*finance.StatementImport, error) {
	actor, err := finance.Authorize(ctx, finance.ActReconcile, nil)
	if err != nil {
		return nil, err
	}
	if msg := finance.TextMsg(up.Agency, finance.MaxTextLength); msg.Key != "" {
		return nil, finance.Fields{"agency": msg}.Err()
	}
	agencyID, err := s.uploadAgency(ctx, actor, up.Agency)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(recon.Formats, up.Format) {
		return nil, finance.FieldError("format", "must be csv, mt940 or camt053")
	}
	up.Account = strings.TrimSpace(up.Account)
	if msg := finance.TextMsg(up.Account, 64); msg.Key != "" {
		return nil, finance.Fields{"account": msg}.Err()
	}
	up.Name = finance.CleanFileName(up.Name)
	cur := strings.ToUpper(strings.TrimSpace(up.Currency))
	if cur == "" {
		cur = "IDR"
	}
	if len(cur) != 3 || strings.Trim(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return nil, finance.FieldError("currency", "must be a three-letter code such as IDR")
	}
	opt := recon.Options{Account: up.Account, Currency: cur, Profile: up.Profile}
	out := &finance.StatementImport{Statements: []*finance.Statement{}, Duplicates: []finance.StatementDup{}}
	if up.Format == "csv" {
		err = s.importStreamed(ctx, actor, agencyID, up, opt, r, out)
	} else {
		err = s.importRead(ctx, actor, agencyID, up, opt, r, out)
	}
	if err != nil {
		if recon.IsReadError(err) {
			return nil, &finance.Error{Code: finance.EValidation, Msg: finance.M("the statement file is refused: %s", err.Error()),
				Fields: map[string]finance.Msg{"file": finance.M("%s", err.Error())}}
		}
		return nil, err
	}
	return out, nil
}

// importRead reads the whole file, then stores each statement in it that
// was not imported before.
func (s *Store) importRead(ctx context.Context, actor *finance.Actor, agencyID int64, up finance.StatementUpload, opt recon.Options, r io.Reader, out *finance.StatementImport) error {
	sts, err := recon.Read(up.Format, r, opt)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		for _, rs := range sts {
			if rs.Account == "" {
				rs.Account = up.Account
			}
			if rs.Account == "" {
				return finance.FieldError("account", "is required: the file does not name the account")
			}
			fp := fingerprint(rs, func(yield func(storedLine) bool) {
				for _, l := range rs.Lines {
					if !yield(storedLine{l.BookingDate, l.AmountSen, clipText(l.Reference, 140), clipText(l.CounterpartyAccount, 64)}) {
						return
					}
				}
			})
			if dup, err := s.duplicate(ctx, agencyID, 0, fp, rs); dup != nil || err != nil {
				if err != nil {
					return err
				}
				out.Duplicates = append(out.Duplicates, *dup)
				continue
			}
			st := newStatementRow(actor, agencyID, up, rs, fp, s.Now())
			if err := s.conn(ctx).Create(st).Error; err != nil {
				return translate(err, "statement")
			}
			w := &lineWriter{s: s, statementID: st.ID}
			for _, l := range rs.Lines {
				if err := w.add(ctx, l); err != nil {
					return err
				}
			}
			if err := w.flush(ctx); err != nil {
				return err
			}
			done, err := s.auditImport(ctx, st, rs, up)
			if err != nil {
				return err
			}
			out.Statements = append(out.Statements, done)
		}
		return nil
	})
}

// importStreamed stores a CSV statement as it is read, its lines written
// a batch at a time, so a file of a million lines is never held in memory.
// The statement's row is written first and completed at the end; one
// imported before (the same fingerprint) undoes it all.
func (s *Store) importStreamed(ctx context.Context, actor *finance.Actor, agencyID int64, up finance.StatementUpload, opt recon.Options, r io.Reader, out *finance.StatementImport) error {
	var dup *finance.StatementDup
	err := s.InTx(ctx, func(ctx context.Context) error {
		pending := make([]byte, 16)
		rand.Read(pending)
		st := newStatementRow(actor, agencyID, up, &recon.Statement{Account: up.Account, Currency: opt.Currency}, "importing "+hex.EncodeToString(pending), s.Now())
		if err := s.conn(ctx).Create(st).Error; err != nil {
			return translate(err, "statement")
		}
		w := &lineWriter{s: s, statementID: st.ID}
		opt.Each = func(l recon.Line) error { return w.add(ctx, l) }
		sts, err := recon.ReadCSV(r, opt)
		if err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		rs := sts[0]
		if rs.Account == "" {
			return finance.FieldError("account", "is required: the file does not name the account")
		}
		fp, err := s.storedFingerprint(ctx, st.ID, rs)
		if err != nil {
			return err
		}
		if dup, err = s.duplicate(ctx, agencyID, st.ID, fp, rs); dup != nil || err != nil {
			if err == nil {
				err = errDuplicate
			}
			return err
		}
		done := newStatementRow(actor, agencyID, up, rs, fp, st.CreatedAt)
		done.ID = st.ID
		if err := s.conn(ctx).Select("*").Omit("Agency", "ReconciliationID", "CreatedBy").Updates(done).Error; err != nil {
			return translate(err, "statement")
		}
		if st, err = s.auditImport(ctx, done, rs, up); err != nil {
			return err
		}
		out.Statements = append(out.Statements, st)
		return nil
	})
	if errors.Is(err, errDuplicate) {
		out.Duplicates = append(out.Duplicates, *dup)
		return nil
	}
	return err
}

// errDuplicate undoes a streamed import of a statement imported before.
var errDuplicate = errors.New("store: duplicate statement")

// duplicate finds a statement of the agency, other than id, with the fingerprint.
func (s *Store) duplicate(ctx context.Context, agencyID, id int64, fp string, rs *recon.Statement) (*finance.StatementDup, error) {
	var dup []int64
	if err := s.conn(ctx).Raw("SELECT id FROM statements WHERE agency_id = ? AND fingerprint = ? AND id <> ?", agencyID, fp, id).Scan(&dup).Error; err != nil || len(dup) == 0 {
		return nil, err
	}
	return &finance.StatementDup{ID: dup[0], Account: rs.Account, From: rs.From, To: rs.To,
		Message: fmt.Sprintf("statement %d already holds account %s from %s to %s with the same lines; nothing was created", dup[0], rs.Account, rs.From, rs.To)}, nil
}

// uploadAgency is the agency a statement belongs to: the officer's or
// reviewer's own, or the one an admin names.
func (s *Store) uploadAgency(ctx context.Context, actor *finance.Actor, code string) (int64, error) {
	code = strings.TrimSpace(code)
	if actor.AgencyID != nil && !actor.SeesAllAgencies() {
		if code != "" && code != actor.AgencyCode {
			return 0, finance.Errorf(finance.EForbidden, "you may upload statements only for %s", actor.AgencyCode)
		}
		return *actor.AgencyID, nil
	}
	if code == "" {
		return 0, finance.FieldError("agency", "is required: name the agency whose account this is")
	}
	a, err := s.agencyByCode(ctx, code)
	if err != nil {
		return 0, finance.FieldError("agency", "no agency has this code")
	}
	return a.ID, nil
}

// storedLine is what a statement's fingerprint takes of each line, as stored.
type storedLine struct {
	date      string
	sen       int64
	ref, acct string
}

// fingerprint identifies a statement by account, period and lines, so
// that importing the same statement again is recognised.
func fingerprint(st *recon.Statement, lines func(yield func(storedLine) bool)) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%d|%d\n", recon.NormalizeAccount(st.Account), st.From, st.To, st.OpeningSen, st.ClosingSen)
	for l := range lines {
		fmt.Fprintf(h, "%s|%d|%s|%s\n", l.date, l.sen, l.ref, l.acct)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// storedFingerprint is the fingerprint of a statement whose lines are
// stored already, read back one row at a time.
func (s *Store) storedFingerprint(ctx context.Context, statementID int64, rs *recon.Statement) (string, error) {
	rows, err := s.conn(ctx).Raw("SELECT booking_date, amount, reference, counterparty_account FROM statement_lines WHERE statement_id = ? ORDER BY seq", statementID).Rows()
	if err != nil {
		return "", err
	}
	defer rows.Close()
	fp := fingerprint(rs, func(yield func(storedLine) bool) {
		for rows.Next() {
			var l storedLine
			var amount money.Amount
			if err = rows.Scan(&l.date, &amount, &l.ref, &l.acct); err != nil {
				return
			}
			l.sen = amount.Sen()
			if !yield(l) {
				return
			}
		}
		err = rows.Err()
	})
	return fp, err
}

// newStatementRow is the statements row of a statement read from a file.
func newStatementRow(actor *finance.Actor, agencyID int64, up finance.StatementUpload, rs *recon.Statement, fp string, now time.Time) *finance.Statement {
	problems, _ := json.Marshal(rs.Problems)
	if len(rs.Problems) == 0 {
		problems = []byte("[]")
	}
	st := &finance.Statement{
		AgencyID: agencyID, Account: clipText(rs.Account, 64), Currency: rs.Currency, Format: up.Format, Number: clipText(rs.Number, 64),
		PeriodFrom: rs.From, PeriodTo: rs.To, OpeningBalance: money.FromSen(rs.OpeningSen), ClosingBalance: money.FromSen(rs.ClosingSen),
		Difference: money.FromSen(rs.DifferenceSen()), LineCount: rs.NumLines(), ProblemsJSON: string(problems),
		Fingerprint: fp, CreatedByID: actor.UserID, CreatedAt: now,
	}
	if st.PeriodFrom == "" {
		st.PeriodFrom, st.PeriodTo = now.Format("2006-01-02"), now.Format("2006-01-02")
	}
	return st
}

// lineWriter inserts a statement's lines lineBatch at a time.
type lineWriter struct {
	s           *Store
	statementID int64
	seq         int
	batch       []*finance.StatementLine
}

const lineBatch = 500

func (w *lineWriter) add(ctx context.Context, l recon.Line) error {
	w.seq++
	w.batch = append(w.batch, &finance.StatementLine{
		StatementID: w.statementID, Seq: w.seq, SourceLine: l.N, BookingDate: l.BookingDate, ValueDate: l.ValueDate,
		Amount: money.FromSen(l.AmountSen), Reference: clipText(l.Reference, 140), CounterpartyAccount: clipText(l.CounterpartyAccount, 64),
		CounterpartyName: clipText(l.CounterpartyName, 140), Description: clipText(l.Description, 1000),
	})
	if len(w.batch) == lineBatch {
		return w.flush(ctx)
	}
	return nil
}

func (w *lineWriter) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	if err := w.s.conn(ctx).Create(&w.batch).Error; err != nil {
		return err
	}
	w.batch = w.batch[:0]
	return nil
}

// auditImport writes the import's audit entry and returns the statement as stored.
func (s *Store) auditImport(ctx context.Context, st *finance.Statement, rs *recon.Statement, up finance.StatementUpload) (*finance.Statement, error) {
	summary := map[string]any{"account": st.Account, "format": st.Format, "period_from": st.PeriodFrom, "period_to": st.PeriodTo,
		"opening_balance": st.OpeningBalance, "closing_balance": st.ClosingBalance, "difference": st.Difference,
		"line_count": st.LineCount, "skipped_lines": len(rs.Problems), "file": up.Name}
	if err := s.audit(ctx, "import", "statement", st.ID, nil, summary); err != nil {
		return nil, err
	}
	return s.statementByID(ctx, st.ID)
}

func clipText(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !isRuneStart(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return strings.ToValidUTF8(s, "")
}

func isRuneStart(b byte) bool { return b < 0x80 || b >= 0xC0 }

func (s *Store) statementByID(ctx context.Context, id int64) (*finance.Statement, error) {
	var st finance.Statement
	if err := s.conn(ctx).Raw(statementSelect+" WHERE s.id = ?", id).Take(&st).Error; err != nil {
		return nil, translate(err, "statement")
	}
	finishStatement(&st)
	return &st, nil
}

func finishStatement(st *finance.Statement) {
	st.Balanced = st.Difference.IsZero()
	st.Problems = []recon.Problem{}
	if st.ProblemsJSON != "" {
		json.Unmarshal([]byte(st.ProblemsJSON), &st.Problems)
	}
}

// FindStatementByID returns a statement without its lines (a statement
// may hold a million: EachStatementLine and StatementLinesByID read them),
// for actors of its agency, admins and auditors. Errors: unauthorized,
// not_found, forbidden.
func (s *Store) FindStatementByID(ctx context.Context, id int64) (*finance.Statement, error) {
	st, _, err := s.readableStatement(ctx, id)
	return st, err
}

// readableStatement is the statement with id and the actor, who may read
// it. Errors: unauthorized, not_found, forbidden.
func (s *Store) readableStatement(ctx context.Context, id int64) (*finance.Statement, *finance.Actor, error) {
	st, err := s.statementByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	actor, err := finance.AuthorizeRead(ctx, &st.AgencyID)
	if err != nil {
		return nil, nil, err
	}
	return st, actor, nil
}

const lineColumns = "id, statement_id, seq, source_line, booking_date, value_date, amount, reference, counterparty_account, counterparty_name, description"

func scanLine(rows *sql.Rows, l *finance.StatementLine) error {
	return rows.Scan(&l.ID, &l.StatementID, &l.Seq, &l.SourceLine, &l.BookingDate, &l.ValueDate, &l.Amount, &l.Reference,
		&l.CounterpartyAccount, &l.CounterpartyName, &l.Description)
}

// EachStatementLine calls fn with the lines of a statement in the file's
// order, from the one after position after (0: the first), at most limit
// of them (0: all), read one row at a time beside fn and masked for the
// actor; fn must not use the store. Errors: unauthorized, not_found,
// forbidden, and fn's.
func (s *Store) EachStatementLine(ctx context.Context, id int64, after, limit int, fn func(*finance.StatementLine) error) error {
	_, actor, err := s.readableStatement(ctx, id)
	if err != nil {
		return err
	}
	q, args := "SELECT "+lineColumns+" FROM statement_lines WHERE statement_id = ? AND seq > ? ORDER BY seq", []any{id, after}
	if limit > 0 {
		q, args = q+" LIMIT ?", append(args, limit)
	}
	rows, err := s.conn(ctx).Raw(q, args...).Rows()
	if err != nil {
		return err
	}
	return readBeside(rows, func(rows *sql.Rows, l *finance.StatementLine) (bool, error) {
		if err := scanLine(rows, l); err != nil {
			return false, err
		}
		l.Mask(actor)
		return true, nil
	}, fn)
}

// StatementLinesByID returns the lines of a statement that ids name, by
// id, masked for the actor: what a page shows of a big statement. Ids of
// other statements are left out. Errors: unauthorized, not_found,
// forbidden.
func (s *Store) StatementLinesByID(ctx context.Context, statementID int64, ids []int64) (map[int64]*finance.StatementLine, error) {
	_, actor, err := s.readableStatement(ctx, statementID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*finance.StatementLine, len(ids))
	for part := range slices.Chunk(ids, 500) {
		rows, err := s.conn(ctx).Raw("SELECT "+lineColumns+" FROM statement_lines WHERE statement_id = ? AND id IN ?", statementID, part).Rows()
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			l := &finance.StatementLine{}
			if err := scanLine(rows, l); err != nil {
				rows.Close()
				return nil, err
			}
			l.Mask(actor)
			out[l.ID] = l
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindStatements lists the statements of the agencies the actor may see,
// newest first by id. Errors: unauthorized.
func (s *Store) FindStatements(ctx context.Context, f finance.StatementFilter) ([]*finance.Statement, string, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	f.Normalize()
	where, args := "WHERE s.id > ?", []any{f.Cursor}
	if !actor.SeesAllAgencies() {
		where += " AND s.agency_id = ?"
		args = append(args, agencyOf(actor))
	}
	if f.Account != "" {
		where += " AND s.account = ?"
		args = append(args, f.Account)
	}
	var out []*finance.Statement
	if err := s.conn(ctx).Raw(statementSelect+" "+where+" ORDER BY s.id LIMIT ?", append(args, f.Limit+1)...).Scan(&out).Error; err != nil {
		return nil, "", err
	}
	for _, st := range out {
		finishStatement(st)
	}
	out, next := pageOf(out, f.Limit, func(x *finance.Statement) int64 { return x.ID })
	return out, next, nil
}
