package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"pilar/internal/finance"
	"pilar/internal/money"
)

const disbursementSelect = `SELECT d.*, p.code AS program_code, p.agency_id AS agency_id, r.name AS recipient_name,
  cu.email AS created_by, au.email AS approved_by, cu.name AS created_by_name, au.name AS approved_by_name
FROM disbursements d
JOIN programs p ON p.id = d.program_id
JOIN recipients r ON r.id = d.recipient_id
JOIN users cu ON cu.id = d.created_by_id
LEFT JOIN users au ON au.id = d.approved_by_id`

// CreateDisbursement records a draft (admin, or an officer for their
// agency's programs). Errors: unauthorized, forbidden, validation_failed,
// conflict (program not active), duplicate (same recipient, program and tranche).
func (s *Store) CreateDisbursement(ctx context.Context, in finance.DisbursementInput) (*finance.Disbursement, error) {
	actor, err := finance.Authorize(ctx, finance.ActRecordDisbursement, nil)
	if err != nil {
		return nil, err
	}
	d, err := finance.NewDisbursement(in)
	if err != nil {
		return nil, err
	}
	var p *finance.Program
	var r *finance.Recipient
	err = s.groupTx(ctx, func(ctx context.Context) (err error) {
		if p, r, err = s.checkDraft(ctx, d); err != nil {
			return err
		}
		d.ProgramID = p.ID
		d.CreatedByID = actor.UserID
		// PostgreSQL keeps microseconds: the answer, not read back, must
		// carry the time as stored.
		d.CreatedAt = s.now(ctx).Truncate(time.Microsecond)
		d.UpdatedAt = d.CreatedAt
		if err := s.conn(ctx).Omit("ApprovedOn", "PaidOn", "ReturnedOn", "SubmittedByID", "ApprovedByID").Create(d).Error; err != nil {
			return s.trancheConflict(ctx, err, d)
		}
		if err := s.putLoan(ctx, d); err != nil {
			return err
		}
		return s.audit(ctx, "create", "disbursement", d.ID, nil, d)
	})
	if err != nil {
		return nil, err
	}
	// The row as disbursementSelect would read it, from what the
	// transaction read: no second query per create.
	d.Program, d.AgencyID, d.RecipientName = p.Code, p.AgencyID, r.Name
	d.CreatedBy, d.CreatedByName = actor.Email, actor.Name
	return d, nil
}

// checkDraft resolves the program and recipient a draft names and applies
// the rules that need them, holding the program's row until the
// transaction in ctx ends. Errors: validation_failed, forbidden, conflict.
func (s *Store) checkDraft(ctx context.Context, d *finance.Disbursement) (*finance.Program, *finance.Recipient, error) {
	p, err := s.programByCode(ctx, d.Program)
	if err != nil {
		return nil, nil, finance.FieldError("program", "no program has this code")
	}
	if _, err := finance.Authorize(ctx, finance.ActRecordDisbursement, &p.AgencyID); err != nil {
		return nil, nil, err
	}
	if s.driver == "postgres" {
		// Hold the program, so that it cannot be closed or its fixed amount
		// changed between this check and the commit.
		if err := s.lockProgram(ctx, p.ID); err != nil {
			return nil, nil, err
		}
		if p, err = s.programByCode(ctx, d.Program); err != nil {
			return nil, nil, err
		}
	}
	r, err := s.recipientByID(ctx, d.RecipientID)
	if err != nil {
		return nil, nil, finance.FieldError("recipient_id", "no recipient has this id")
	}
	return p, r, d.CheckAgainst(p)
}

// trancheConflict names the disbursement that already holds the recipient,
// program and tranche.
func (s *Store) trancheConflict(ctx context.Context, err error, d *finance.Disbursement) error {
	if !errors.Is(err, gorm.ErrDuplicatedKey) {
		return err
	}
	// On PostgreSQL the failed INSERT aborted the transaction, so the
	// holder is read beside it; on SQLite it is read in it, where it may be
	// a draft of the same commit group (groupTx).
	db := s.db.WithContext(ctx)
	if s.driver == "sqlite" {
		db = s.conn(ctx)
	}
	var id int64
	db.Raw(`SELECT id FROM disbursements WHERE program_id = ? AND recipient_id = ? AND tranche = ?
		AND status NOT IN ?`, d.ProgramID, d.RecipientID, d.Tranche, statusArg(finance.Void)).Scan(&id)
	return trancheTaken(db, d, id, false)
}

// trancheTaken is the refusal of d because disbursement holder holds its
// recipient, program and tranche (finance.TrancheTaken), with the
// recipient's and the program's names read through db; differs says the
// holder has another amount or date. Errors: duplicate, or the read's.
func trancheTaken(db *gorm.DB, d *finance.Disbursement, holder int64, differs bool) error {
	var names struct{ Recipient, Program string }
	err := db.Raw(`SELECT r.name AS recipient, p.name AS program FROM recipients r, programs p WHERE r.id = ? AND p.code = ?`,
		d.RecipientID, d.Program).Scan(&names).Error
	if err != nil {
		return err
	}
	return finance.TrancheTaken(names.Recipient, names.Program, d.Tranche, holder, differs)
}

func (s *Store) disbursementByID(ctx context.Context, id int64) (*finance.Disbursement, error) {
	var d finance.Disbursement
	err := s.conn(ctx).Raw(disbursementSelect+" WHERE d.id = "+oneBound("id", "disbursements", "id"), id).Take(&d).Error
	if err != nil {
		return &d, translate(err, "disbursement")
	}
	return &d, s.loadLoans(ctx, []*finance.Disbursement{&d})
}

// FindDisbursementByID returns one disbursement of an agency the actor may
// see. Errors: unauthorized, not_found, forbidden.
func (s *Store) FindDisbursementByID(ctx context.Context, id int64) (*finance.Disbursement, error) {
	d, err := s.disbursementByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := finance.AuthorizeRead(ctx, &d.AgencyID); err != nil {
		return nil, err
	}
	return d, nil
}

// FindDisbursements lists the disbursements of the agencies the actor may
// see, by id. Errors: unauthorized.
func (s *Store) FindDisbursements(ctx context.Context, f finance.DisbursementFilter) ([]*finance.Disbursement, string, error) {
	where, args, err := s.disbursementWhere(ctx, f)
	if err != nil {
		return nil, "", err
	}
	f.Normalize()
	cond, after, order, backward := keyset(f.Page, "d.id")
	where += " AND " + cond
	var out []*finance.Disbursement
	if err := s.conn(ctx).Raw(disbursementSelect+" "+where+" ORDER BY "+order+" LIMIT ?", append(args, after, f.Limit+1)...).Scan(&out).Error; err != nil {
		return nil, "", err
	}
	out, next := pageIn(out, f.Limit, backward, func(x *finance.Disbursement) int64 { return x.ID })
	return out, next, s.loadLoans(ctx, out)
}

// TotalDisbursements counts the disbursements the actor may see that
// match the filter, whatever its page. Errors: unauthorized.
func (s *Store) TotalDisbursements(ctx context.Context, f finance.DisbursementFilter) (int64, error) {
	where, args, err := s.disbursementWhere(ctx, f)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.conn(ctx).Raw(`SELECT COUNT(*) FROM disbursements d JOIN programs p ON p.id = d.program_id
		JOIN recipients r ON r.id = d.recipient_id `+where, args...).Scan(&n).Error
	return n, err
}

// disbursementWhere is the WHERE clause of a disbursement list: the
// actor's agency and the filter (its page aside), over disbursements d,
// programs p and recipients r. Errors: unauthorized.
func (s *Store) disbursementWhere(ctx context.Context, f finance.DisbursementFilter) (string, []any, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return "", nil, err
	}
	where, args := "WHERE 1 = 1", []any{}
	add := func(cond string, v ...any) {
		where += " AND " + cond
		args = append(args, v...)
	}
	if !actor.SeesAllAgencies() {
		add("p.agency_id = ?", agencyOf(actor))
	}
	if f.Agency != "" {
		add("p.agency_id IN (SELECT id FROM agencies WHERE code = ?)", f.Agency)
	}
	if f.Program != "" {
		add("p.code = ?", f.Program)
	}
	if f.RecipientID != 0 {
		add("d.recipient_id = ?", f.RecipientID)
	}
	if f.Status != "" {
		add("d.status = ?", f.Status)
	}
	if f.From != "" {
		add("d.disbursed_on >= ?", f.From)
	}
	if f.To != "" {
		add("d.disbursed_on <= ?", f.To)
	}
	if f.Region != "" {
		add("(r.region_code = ? OR r.region_code LIKE ? ESCAPE '\\')", f.Region, likeEscape(f.Region)+".%")
	}
	if f.Q != "" {
		add("LOWER(r.name) LIKE ? ESCAPE '\\'", "%"+likeEscape(strings.ToLower(f.Q))+"%")
	}
	return where, args, nil

}

// disbursementExportSelect reads what an export row holds, columns in the
// order exportLine scans them.
const disbursementExportSelect = `SELECT d.id, p.code, d.recipient_id, r.name, r.nik, r.phone, r.bank_code, r.account_no,
  d.amount, d.tranche, d.form, d.status, d.disbursed_on, d.approved_on, d.paid_on, d.returned_on,
  d.payment_ref, d.note, cu.email, au.email, d.reconciled
FROM disbursements d
JOIN programs p ON p.id = d.program_id
JOIN recipients r ON r.id = d.recipient_id
JOIN users cu ON cu.id = d.created_by_id
LEFT JOIN users au ON au.id = d.approved_by_id`

// ExportDisbursements streams the disbursements the actor may see that
// pass the filter (its page ignored), by id, so that an export of any
// size holds a few thousand rows in memory. The database's work and the
// scan (two thirds of an export's CPU) run on goroutines of their own,
// ahead of the encoding, which emit does. On SQLite, an export of every
// disbursement (a role that sees all agencies, no filter) reads ranges of
// ids on two connections that share one snapshot, taking turns, so that
// two cores read (readRanges); any other reads from one cursor beside
// emit: one agency's rows are found through its programs, not by reading
// every id, and PostgreSQL's server does the reading. NIK, phone and
// account come masked for roles that see masked data. The line emit gets
// is reused after it returns. Errors: unauthorized, those of emit.
func (s *Store) ExportDisbursements(ctx context.Context, f finance.DisbursementFilter, emit func(*finance.DisbursementLine) error) error {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return err
	}
	where, args, err := s.disbursementWhere(ctx, f)
	if err != nil {
		return err
	}
	seesAll := actor.SeesPersonalData()
	scan := func(rows *sql.Rows, l *exportLine) (bool, error) {
		if err := l.scan(rows); err != nil {
			return false, err
		}
		if !seesAll {
			l.line.Mask()
		}
		return true, nil
	}
	out := func(l *exportLine) error { return emit(&l.line) }
	if s.readsApart(ctx) && actor.SeesAllAgencies() && f == (finance.DisbursementFilter{Page: f.Page}) {
		return readRanges(ctx, s, "SELECT COALESCE(MIN(id), 1), COALESCE(MAX(id), 0) FROM disbursements",
			disbursementExportSelect+" "+where+" AND d.id BETWEEN ? AND ? ORDER BY d.id", args, scan, out)
	}
	rows, err := s.conn(ctx).Raw(disbursementExportSelect+" "+where+" ORDER BY d.id", args...).Rows()
	if err != nil {
		return err
	}
	return readBeside(rows, scan, out)
}

// exportLine is one row of disbursementExportSelect as it is scanned: text
// straight into the line, the rest into values that database/sql assigns
// without reflection (integers arrive as int64 from both drivers), turned
// into the line's types by finish. A million rows scan without an
// allocation of their own.
type exportLine struct {
	line finance.DisbursementLine
	// dest is scanDest, made on the first row, and self the line it
	// points into: a batch that grows moves its lines (scanInto).
	dest                                     []any
	self                                     *exportLine
	id, recipient, amount, tranche           any
	status                                   string
	approvedOn, paidOn, returnedOn, approver sql.NullString
}

func (l *exportLine) scanDest() []any {
	d := &l.line
	return []any{&l.id, &d.Program, &l.recipient, &d.RecipientName, &d.RecipientNIK, &d.RecipientPhone, &d.BankCode, &d.AccountNo,
		&l.amount, &l.tranche, &d.Form, &l.status, &d.DisbursedOn, &l.approvedOn, &l.paidOn, &l.returnedOn,
		&d.PaymentRef, &d.Note, &d.CreatedBy, &l.approver, &d.Reconciled}
}

// scan reads the current row of rows into the line.
func (l *exportLine) scan(rows *sql.Rows) error {
	if l.self != l {
		l.dest, l.self = l.scanDest(), l
	}
	if err := rows.Scan(l.dest...); err != nil {
		return err
	}
	return l.finish()
}

func (l *exportLine) finish() error {
	d := &l.line
	var ok [4]bool
	var sen, tranche int64
	d.ID, ok[0] = l.id.(int64)
	d.RecipientID, ok[1] = l.recipient.(int64)
	sen, ok[2] = l.amount.(int64)
	tranche, ok[3] = l.tranche.(int64)
	if ok != [4]bool{true, true, true, true} {
		return fmt.Errorf("store: export: id %T, recipient_id %T, amount %T, tranche %T", l.id, l.recipient, l.amount, l.tranche)
	}
	d.Amount, d.Tranche, d.Status = money.FromSen(sen), int(tranche), finance.Status(l.status)
	d.ApprovedOn, d.PaidOn, d.ReturnedOn, d.ApprovedBy = nullable(&l.approvedOn), nullable(&l.paidOn), nullable(&l.returnedOn), nullable(&l.approver)
	return nil
}

// nullable is a NULL-able text column as the line's pointer: nil for NULL.
func nullable(s *sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

// lockDisbursement reads a disbursement of an agency the actor may see and
// holds it, and its program, until the transaction in ctx ends: on
// PostgreSQL with SELECT ... FOR UPDATE (the program first, as approvals
// and budget revisions lock it, so the order is always program then
// disbursement); on SQLite every transaction begins IMMEDIATE and already
// holds the write lock. What it returns is the row as it is under the lock,
// so checks made on it hold until commit. Errors: unauthorized, not_found, forbidden.
func (s *Store) lockDisbursement(ctx context.Context, id int64) (*finance.Disbursement, error) {
	d, err := s.FindDisbursementByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.driver == "postgres" {
		if err := s.lockProgram(ctx, d.ProgramID); err != nil {
			return nil, err
		}
		var ids []int64
		if err := s.conn(ctx).Raw("SELECT id FROM disbursements WHERE id = ? FOR UPDATE", id).Scan(&ids).Error; err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, finance.Errorf(finance.ENotFound, "disbursement not found")
		}
		// Read again under the lock: another change may have just committed.
		if d, err = s.disbursementByID(ctx, id); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// UpdateDisbursement changes a draft. The check that it is a draft and the
// write run in one transaction holding the row (lockDisbursement), and the
// UPDATE is guarded by the status as well, so a submit racing the change
// either comes first (and the change is refused) or after. The audit entry
// records the row as written. Errors: unauthorized, forbidden, not_found,
// invalid_transition, validation_failed, duplicate.
func (s *Store) UpdateDisbursement(ctx context.Context, id int64, in finance.DisbursementInput) (*finance.Disbursement, error) {
	err := s.InTx(ctx, func(ctx context.Context) error {
		d, err := s.lockDisbursement(ctx, id)
		if err != nil {
			return err
		}
		if _, err := finance.Authorize(ctx, finance.ActRecordDisbursement, &d.AgencyID); err != nil {
			return err
		}
		before := *d
		if err := d.Patch(in); err != nil {
			return err
		}
		if _, _, err := s.checkDraft(ctx, d); err != nil {
			return err
		}
		d.UpdatedAt = s.now(ctx)
		res := s.conn(ctx).Table("disbursements").Where("id = ? AND status = ?", id, finance.StatusDraft).Updates(map[string]any{
			"recipient_id": d.RecipientID, "amount": d.Amount, "tranche": d.Tranche, "form": d.Form,
			"disbursed_on": d.DisbursedOn, "payment_ref": d.PaymentRef, "note": d.Note, "updated_at": d.UpdatedAt,
		})
		if res.Error != nil {
			return s.trancheConflict(ctx, res.Error, d)
		}
		if res.RowsAffected != 1 {
			return changedMeanwhile(id)
		}
		if in.Loan != nil {
			if err := s.putLoan(ctx, d); err != nil {
				return err
			}
		}
		after, err := s.disbursementByID(ctx, id)
		if err != nil {
			return err
		}
		return s.audit(ctx, "update", "disbursement", id, before, after)
	})
	if err != nil {
		return nil, err
	}
	return s.disbursementByID(ctx, id)
}

// changedMeanwhile is the error of a guarded write that found the row no
// longer in the state checked under the lock; with the lock it should not
// happen, and it is refused rather than written.
func changedMeanwhile(id int64) error {
	return finance.Errorf(finance.EInvalidTransition, "disbursement %d changed meanwhile; reload it and try again", id)
}

// DeleteDisbursement deletes a draft, holding the row as UpdateDisbursement
// does and deleting only while it is still a draft. Errors: unauthorized,
// forbidden, not_found, invalid_transition.
func (s *Store) DeleteDisbursement(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		d, err := s.lockDisbursement(ctx, id)
		if err != nil {
			return err
		}
		if _, err := finance.Authorize(ctx, finance.ActRecordDisbursement, &d.AgencyID); err != nil {
			return err
		}
		if d.Status != finance.StatusDraft {
			return finance.Errorf(finance.EInvalidTransition, "only a draft can be deleted; this disbursement is %s", d.Status)
		}
		res := s.conn(ctx).Exec("DELETE FROM disbursements WHERE id = ? AND status = ?", id, finance.StatusDraft)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return changedMeanwhile(id)
		}
		return s.audit(ctx, "delete", "disbursement", id, d, nil)
	})
}

// CountDisbursements counts all disbursements by program kind and status,
// for the metrics: an aggregate without names, read without an actor.
func (s *Store) CountDisbursements(ctx context.Context) ([]finance.DisbursementCount, error) {
	var out []finance.DisbursementCount
	err := s.conn(ctx).Raw(`SELECT p.kind AS program_kind, d.status AS status, COUNT(*) AS count
		FROM disbursements d JOIN programs p ON p.id = d.program_id
		GROUP BY p.kind, d.status ORDER BY p.kind, d.status`).Scan(&out).Error
	return out, err
}
