package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"pilar/internal/finance"
	"pilar/internal/i18n"
	"pilar/internal/money"
	"pilar/internal/report"
)

const closureSelect = `SELECT c.*, u.email AS created_by FROM retur_closures c JOIN users u ON u.id = c.created_by_id`

// CloseReturn records how a returned disbursement's money was closed: a
// deposit to kas negara or kas daerah (date, the setoran's reference, the
// whole amount), or a re-payment by another paid disbursement of the same
// recipient and amount. Errors: unauthorized, forbidden, not_found,
// invalid_transition (not returned), conflict (closed already, or the
// re-payment closes another return), validation_failed.
func (s *Store) CloseReturn(ctx context.Context, id int64, in finance.ReturClosureInput) (*finance.ReturClosure, error) {
	err := s.InTx(ctx, func(ctx context.Context) error {
		d, err := s.FindDisbursementByID(ctx, id)
		if err != nil {
			return err
		}
		actor, err := finance.Authorize(ctx, finance.ActReconcile, &d.AgencyID)
		if err != nil {
			return err
		}
		if d.Status != finance.StatusReturned {
			return finance.Errorf(finance.EInvalidTransition, "disbursement %d is %s; only returned money is closed", id, d.Status)
		}
		var have []int64
		s.conn(ctx).Raw("SELECT id FROM retur_closures WHERE disbursement_id = ?", id).Scan(&have)
		if len(have) > 0 {
			return finance.Errorf(finance.EConflict, "the return of disbursement %d is closed already", id)
		}
		c, err := s.closureOf(ctx, d, in)
		if err != nil {
			return err
		}
		c.CreatedByID, c.CreatedAt = actor.UserID, s.Now()
		if err := s.conn(ctx).Omit("CreatedBy").Create(c).Error; err != nil {
			return translate(err, "closure")
		}
		return s.audit(ctx, "close_return", "disbursement", id, nil, c)
	})
	if err != nil {
		return nil, err
	}
	return s.FindReturClosure(ctx, id)
}

func (s *Store) closureOf(ctx context.Context, d *finance.Disbursement, in finance.ReturClosureInput) (*finance.ReturClosure, error) {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.TrimSpace(*p)
	}
	c := &finance.ReturClosure{DisbursementID: d.ID, Kind: str(in.Kind), Note: str(in.Note)}
	f := finance.Fields{}
	if len(c.Note) > 500 {
		f.Add("note", "must be at most 500 characters")
	}
	switch c.Kind {
	case finance.ClosureDeposit:
		c.Treasury, c.ClosedOn, c.Reference = str(in.Treasury), str(in.ClosedOn), str(in.Reference)
		if !slices.Contains(finance.Treasuries, c.Treasury) {
			f.Add("treasury", "must be kas_negara or kas_daerah")
		}
		if msg := finance.ValidDate(c.ClosedOn); msg != "" {
			f.Add("closed_on", msg)
		} else if d.ReturnedOn != nil && c.ClosedOn < *d.ReturnedOn {
			f.Add("closed_on", "must not be before the return ("+*d.ReturnedOn+")")
		}
		if c.Reference == "" || len(c.Reference) > 140 {
			f.Add("reference", "is required: the setoran's reference (NTPN or bukti setor), at most 140 characters")
		}
		if in.Amount == nil {
			f.Add("amount", "is required")
		} else if a, err := money.Parse(string(*in.Amount)); err != nil {
			f.Add("amount", err.Error())
		} else if !a.Equal(d.Amount) {
			f.Add("amount", "must be "+d.Amount.String()+": returns are whole, so the whole amount goes back")
		} else {
			c.Amount = a
		}
	case finance.ClosureRepayment:
		if in.RepaymentID == nil {
			f.Add("repayment_id", "is required: the disbursement that paid the money again")
			break
		}
		r, err := s.disbursementByID(ctx, *in.RepaymentID)
		switch {
		case err != nil || r.AgencyID != d.AgencyID:
			f.Add("repayment_id", "no disbursement of this agency has this id")
		case r.ID == d.ID || r.RecipientID != d.RecipientID:
			f.Add("repayment_id", "must be another disbursement to the same recipient")
		case r.Status != finance.StatusPaid:
			f.Add("repayment_id", "is "+string(r.Status)+"; the re-payment must be paid")
		case !r.Amount.Equal(d.Amount):
			f.Add("repayment_id", "pays "+r.Amount.String()+", not the returned "+d.Amount.String())
		default:
			c.RepaymentID, c.Amount, c.ClosedOn, c.Reference = &r.ID, r.Amount, *r.PaidOn, r.PaymentRef
		}
	default:
		f.Add("kind", "must be deposit or repayment")
	}
	return c, f.Err()
}

// FindReturClosure returns how a disbursement's return was closed, or nil
// when it is open. Errors: unauthorized, not_found, forbidden.
func (s *Store) FindReturClosure(ctx context.Context, id int64) (*finance.ReturClosure, error) {
	if _, err := s.FindDisbursementByID(ctx, id); err != nil {
		return nil, err
	}
	var cs []*finance.ReturClosure
	if err := s.conn(ctx).Raw(closureSelect+" WHERE c.disbursement_id = ?", id).Scan(&cs).Error; err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, nil
	}
	return cs[0], nil
}

const openReturnSQL = `SELECT d.id AS disbursement_id, p.code AS program, p.agency_id, a.code AS agency, d.recipient_id, r.name AS recipient_name,
  d.amount, d.returned_on,
  EXISTS (SELECT 1 FROM recon_matches m WHERE m.disbursement_id = d.id AND m.kind = 'retur' AND m.confirmed) AS back_in_account
FROM ` + scopedDisbursements + `
JOIN recipients r ON r.id = d.recipient_id
WHERE d.program_id = p.id AND d.status IN ? AND NOT EXISTS (SELECT 1 FROM retur_closures c WHERE c.disbursement_id = d.id)`

// OpenReturns lists the returned money of the agencies the actor may see
// that is neither deposited nor paid again, oldest first, with its age in
// days. Errors: unauthorized.
func (s *Store) OpenReturns(ctx context.Context) ([]*finance.OpenReturn, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, err
	}
	if actor.SeesAllAgencies() {
		return s.openReturns(ctx, "1 = 1")
	}
	return s.openReturns(ctx, "p.agency_id = ?", agencyOf(actor))
}

// openReturns lists the open returns whose rows pass where (over
// openReturnSQL's tables, with args), oldest first, with their age.
func (s *Store) openReturns(ctx context.Context, where string, args ...any) ([]*finance.OpenReturn, error) {
	out := []*finance.OpenReturn{}
	q := openReturnSQL + " AND " + where + " ORDER BY d.returned_on, d.id"
	if err := s.conn(ctx).Raw(q, append([]any{statusArg(finance.Returned)}, args...)...).Scan(&out).Error; err != nil {
		return nil, err
	}
	today := s.Now().UTC().Truncate(24 * time.Hour)
	for _, o := range out {
		if t, err := time.Parse("2006-01-02", o.ReturnedOn); err == nil {
			o.AgeDays = int(today.Sub(t).Hours() / 24)
		}
	}
	return out, nil
}

// returnedNotClosed is the red flag of returned money in the report's
// scope that is neither deposited nor paid again.
func (s *Store) returnedNotClosed(ctx context.Context, sc *scope) ([]report.Flag, error) {
	open, err := s.openReturns(ctx, sc.where, sc.args...)
	if err != nil {
		return nil, err
	}
	flags := []report.Flag{}
	for _, o := range open {
		flags = append(flags, report.Flag{RecipientIDs: []int64{o.RecipientID}, Programs: []string{o.Program}, DisbursementIDs: []int64{o.DisbursementID},
			Reason: finance.M("%s returned on %s is neither deposited to the treasury nor paid again (%d days)", o.Amount.Rupiah(), i18n.Day(o.ReturnedOn), o.AgeDays)})
	}
	return flags, nil
}

// reconKeys are the key and label columns of the reconciliation report's groupings.
var reconKeys = map[string][2]string{"program": {"p.code", "p.name"}, "agency": {"a.code", "a.name"}}

// ReconciliationReport sums, per program or agency of the year, what was
// paid, matched to bank lines, left unmatched, held by an amount mismatch,
// returned, and returned but not closed, and lists the open returns.
// Every program of the year appears. Errors: unauthorized, bad_request,
// forbidden, validation_failed.
func (s *Store) ReconciliationReport(ctx context.Context, f report.Filter) (*report.Reconciliation, error) {
	sc, err := s.reportScope(ctx, report.KindReconciliation, &f)
	if err != nil {
		return nil, err
	}
	out := &report.Reconciliation{Year: f.Year, GroupBy: f.GroupBy, Agency: sc.agencyName(), Rows: []report.ReconRow{}}
	k := reconKeys[f.GroupBy]
	// One statement for the sums: the year's disbursements ever paid (the
	// only ones any sum counts) read from disbursements_report alone; the
	// returned ones closed and those held by an unconfirmed amount_mismatch
	// (one match at most per disbursement: recon_matches_disbursement) found
	// from the few closures and matches, through their indexes, rather than
	// probed for every disbursement (the closures first: SQLite keeps a
	// CROSS JOIN's order, and otherwise read every disbursement to probe
	// the closures). Unconstrained, PostgreSQL read every
	// disbursement of every year, and the plan's cost made it JIT-compile
	// the query (about 200 ms) before running it.
	q := fmt.Sprintf(`WITH sums AS (SELECT %[1]s AS key, MIN(%[2]s) AS label,
  COALESCE(SUM(d.amount), 0) AS paid,
  COALESCE(SUM(CASE WHEN d.reconciled THEN d.amount END), 0) AS matched,
  COALESCE(SUM(CASE WHEN d.status IN ? THEN d.amount END), 0) AS returned
FROM programs p JOIN agencies a ON a.id = p.agency_id
LEFT JOIN disbursements d ON d.program_id = p.id AND d.status IN ?
WHERE %[3]s GROUP BY %[1]s),
closed AS (SELECT %[1]s AS key, SUM(d.amount) AS amount
FROM retur_closures c CROSS JOIN disbursements d
JOIN programs p ON p.id = d.program_id JOIN agencies a ON a.id = p.agency_id
WHERE d.id = c.disbursement_id AND d.status IN ? AND %[3]s GROUP BY %[1]s),
held AS (SELECT %[1]s AS key, SUM(d.amount) AS amount
FROM recon_matches m JOIN disbursements d ON d.id = m.disbursement_id
JOIN programs p ON p.id = d.program_id JOIN agencies a ON a.id = p.agency_id
WHERE m.rule = 'amount_mismatch' AND m.kind = 'payment' AND NOT m.confirmed AND d.status IN ? AND NOT d.reconciled AND %[3]s
GROUP BY %[1]s)
SELECT s.key, s.label, s.paid, s.matched, s.returned, s.returned - COALESCE(c.amount, 0) AS returned_not_closed,
  COALESCE(h.amount, 0) AS mismatched
FROM sums s LEFT JOIN closed c ON c.key = s.key LEFT JOIN held h ON h.key = s.key
ORDER BY s.key`, k[0], k[1], sc.where)
	args := slices.Concat([]any{statusArg(finance.Returned), statusArg(finance.EverPaid)}, sc.args,
		[]any{statusArg(finance.Returned)}, sc.args, []any{statusArg(finance.EverPaid)}, sc.args)
	var rows []struct {
		Key, Label                                             string
		Paid, Matched, Returned, ReturnedNotClosed, Mismatched money.Amount
	}
	// The sums and the open returns they count, on one snapshot.
	err = s.readTogether(ctx,
		func(ctx context.Context) error { return s.conn(ctx).Raw(q, args...).Scan(&rows).Error },
		func(ctx context.Context) (err error) {
			out.OpenReturns, err = s.openReturns(ctx, sc.where, sc.args...)
			return err
		})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		row := report.ReconRow{Key: r.Key, Label: r.Label, ReconFigures: report.ReconFigures{Paid: r.Paid, Matched: r.Matched,
			Unmatched: r.Paid.Sub(r.Matched), Mismatched: r.Mismatched, Returned: r.Returned, ReturnedNotClosed: r.ReturnedNotClosed}}
		out.Totals.Add(row.ReconFigures)
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}
