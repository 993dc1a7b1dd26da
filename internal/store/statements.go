package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

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
	sts, err := recon.Read(up.Format, r, recon.Options{Account: up.Account, Currency: cur, Profile: up.Profile})
	if err != nil {
		if recon.IsReadError(err) {
			return nil, &finance.Error{Code: finance.EValidation, Msg: finance.M("the statement file is refused: %s", err.Error()),
				Fields: map[string]finance.Msg{"file": finance.M("%s", err.Error())}}
		}
		return nil, err
	}
	out := &finance.StatementImport{Statements: []*finance.Statement{}, Duplicates: []finance.StatementDup{}}
	err = s.InTx(ctx, func(ctx context.Context) error {
		for _, rs := range sts {
			if rs.Account == "" {
				rs.Account = up.Account
			}
			if rs.Account == "" {
				return finance.FieldError("account", "is required: the file does not name the account")
			}
			fp := fingerprint(rs)
			var dup []finance.Statement
			if err := s.conn(ctx).Raw("SELECT id FROM statements WHERE agency_id = ? AND fingerprint = ?", agencyID, fp).Scan(&dup).Error; err != nil {
				return err
			}
			if len(dup) > 0 {
				out.Duplicates = append(out.Duplicates, finance.StatementDup{ID: dup[0].ID, Account: rs.Account, From: rs.From, To: rs.To,
					Message: fmt.Sprintf("statement %d already holds account %s from %s to %s with the same lines; nothing was created", dup[0].ID, rs.Account, rs.From, rs.To)})
				continue
			}
			st, err := s.createStatement(ctx, actor, agencyID, up, rs, fp)
			if err != nil {
				return err
			}
			out.Statements = append(out.Statements, st)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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

// fingerprint identifies a statement by account, period and lines, so
// that importing the same statement again is recognised.
func fingerprint(st *recon.Statement) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%d|%d\n", recon.NormalizeAccount(st.Account), st.From, st.To, st.OpeningSen, st.ClosingSen)
	for _, l := range st.Lines {
		fmt.Fprintf(h, "%s|%d|%s|%s\n", l.BookingDate, l.AmountSen, l.Reference, l.CounterpartyAccount)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Store) createStatement(ctx context.Context, actor *finance.Actor, agencyID int64, up finance.StatementUpload, rs *recon.Statement, fp string) (*finance.Statement, error) {
	problems, _ := json.Marshal(rs.Problems)
	if len(rs.Problems) == 0 {
		problems = []byte("[]")
	}
	st := &finance.Statement{
		AgencyID: agencyID, Account: clipText(rs.Account, 64), Currency: rs.Currency, Format: up.Format, Number: clipText(rs.Number, 64),
		PeriodFrom: rs.From, PeriodTo: rs.To, OpeningBalance: money.FromSen(rs.OpeningSen), ClosingBalance: money.FromSen(rs.ClosingSen),
		Difference: money.FromSen(rs.DifferenceSen()), LineCount: len(rs.Lines), ProblemsJSON: string(problems),
		Fingerprint: fp, CreatedByID: actor.UserID, CreatedAt: s.Now(),
	}
	if st.PeriodFrom == "" {
		st.PeriodFrom, st.PeriodTo = s.Now().Format("2006-01-02"), s.Now().Format("2006-01-02")
	}
	if err := s.conn(ctx).Create(st).Error; err != nil {
		return nil, translate(err, "statement")
	}
	const batch = 500
	lines := make([]*finance.StatementLine, 0, min(batch, len(rs.Lines)))
	for i, l := range rs.Lines {
		lines = append(lines, &finance.StatementLine{
			StatementID: st.ID, Seq: i + 1, SourceLine: l.N, BookingDate: l.BookingDate, ValueDate: l.ValueDate,
			Amount: money.FromSen(l.AmountSen), Reference: clipText(l.Reference, 140), CounterpartyAccount: clipText(l.CounterpartyAccount, 64),
			CounterpartyName: clipText(l.CounterpartyName, 140), Description: clipText(l.Description, 1000),
		})
		if len(lines) == batch || i == len(rs.Lines)-1 {
			if err := s.conn(ctx).Create(&lines).Error; err != nil {
				return nil, err
			}
			lines = lines[:0]
		}
	}
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

// FindStatementByID returns a statement with its lines, for actors of its
// agency, admins and auditors. Errors: unauthorized, not_found, forbidden.
func (s *Store) FindStatementByID(ctx context.Context, id int64) (*finance.Statement, error) {
	st, err := s.statementByID(ctx, id)
	if err != nil {
		return nil, err
	}
	actor, err := finance.AuthorizeRead(ctx, &st.AgencyID)
	if err != nil {
		return nil, err
	}
	if err := s.conn(ctx).Raw("SELECT * FROM statement_lines WHERE statement_id = ? ORDER BY seq", id).Scan(&st.Lines).Error; err != nil {
		return nil, err
	}
	for _, l := range st.Lines {
		l.Mask(actor)
	}
	if st.Lines == nil {
		st.Lines = []*finance.StatementLine{}
	}
	return st, nil
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
