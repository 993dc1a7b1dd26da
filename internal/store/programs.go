package store

import (
	"context"

	"pilar/internal/finance"
)

// programSelect reads programs with their agency code and budget use:
// committed (finance.Committed), realized (finance.Realized) and reached
// (distinct recipients realized) and the principal repaid on its loans,
// from program_totals, which triggers keep exact in the transaction of
// every write to a disbursement or a repayment (migrations 00090, 00091),
// so reading a program costs the same however many rows it holds.
const programSelect = `SELECT p.*, a.code AS agency_code,
  t.committed AS committed, t.realized AS realized, t.reached AS recipients_reached, t.principal_repaid AS principal_repaid
FROM programs p JOIN agencies a ON a.id = p.agency_id JOIN program_totals t ON t.program_id = p.id`

// CreateProgram adds a program (admin, or a reviewer for their agency).
// Errors: unauthorized, forbidden, validation_failed, duplicate.
func (s *Store) CreateProgram(ctx context.Context, in finance.ProgramInput) (*finance.Program, error) {
	if _, err := finance.Authorize(ctx, finance.ActEditProgram, nil); err != nil {
		return nil, err
	}
	p, err := finance.NewProgram(in)
	if err != nil {
		return nil, err
	}
	a, err := s.agencyByCode(ctx, p.Agency)
	if err != nil {
		return nil, finance.FieldError("agency", "no agency has this code")
	}
	if _, err := finance.Authorize(ctx, finance.ActEditProgram, &a.ID); err != nil {
		return nil, err
	}
	p.AgencyID = a.ID
	ctx = s.stamp(ctx) // one timestamp for the row and its audit entry
	p.CreatedAt, p.UpdatedAt = s.now(ctx), s.now(ctx)
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(p).Error; err != nil {
			return translate(err, "program "+p.Code)
		}
		return s.audit(ctx, "create", "program", p.Code, nil, p)
	})
	if err != nil {
		return nil, err
	}
	return s.programByCode(ctx, p.Code)
}

func (s *Store) programByCode(ctx context.Context, code string) (*finance.Program, error) {
	var p finance.Program
	if err := s.conn(ctx).Raw(programSelect+" WHERE p.id = "+oneBound("id", "programs", "code"), code).Take(&p).Error; err != nil {
		return nil, translate(err, "program "+code)
	}
	p.ComputeRemaining()
	return &p, nil
}

// FindProgramByCode returns one program of an agency the actor may see.
// Errors: unauthorized, not_found, forbidden.
func (s *Store) FindProgramByCode(ctx context.Context, code string) (*finance.Program, error) {
	p, err := s.programByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if _, err := finance.AuthorizeRead(ctx, &p.AgencyID); err != nil {
		return nil, err
	}
	return p, nil
}

// FindPrograms lists the programs of the agencies the actor may see, by id.
// Errors: unauthorized.
func (s *Store) FindPrograms(ctx context.Context, f finance.ProgramFilter) ([]*finance.Program, string, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	f.Normalize()
	cond, after, order, backward := keyset(f.Page, "p.id")
	where, args := programWhere(actor, f, "WHERE "+cond, after)
	var out []*finance.Program
	if err := s.conn(ctx).Raw(programSelect+" "+where+" ORDER BY "+order+" LIMIT ?", append(args, f.Limit+1)...).Scan(&out).Error; err != nil {
		return nil, "", err
	}
	for _, p := range out {
		p.ComputeRemaining()
	}
	out, next := pageIn(out, f.Limit, backward, func(x *finance.Program) int64 { return x.ID })
	return out, next, nil
}

// programWhere is the WHERE of the programs f selects that actor may see,
// starting with first and its argument.
func programWhere(actor *finance.Actor, f finance.ProgramFilter, first string, firstArg any) (string, []any) {
	where, args := first, []any{firstArg}
	add := func(cond string, v any) {
		where += " AND " + cond
		args = append(args, v)
	}
	if !actor.SeesAllAgencies() {
		add("p.agency_id = ?", agencyOf(actor))
	}
	if f.Year != 0 {
		add("p.fiscal_year = ?", f.Year)
	}
	if f.Agency != "" {
		add("a.code = ?", f.Agency)
	}
	if f.FundingSource != "" {
		add("p.funding_source = ?", f.FundingSource)
	}
	if f.Kind != "" {
		add("p.kind = ?", f.Kind)
	}
	if f.Status != "" {
		add("p.status = ?", f.Status)
	}
	return where, args
}

// SumPrograms adds up, in one query, every program FindPrograms would list
// for f (its page is ignored): no cap on how many. Errors: unauthorized.
func (s *Store) SumPrograms(ctx context.Context, f finance.ProgramFilter) (*finance.ProgramTotals, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, err
	}
	where, args := programWhere(actor, f, "WHERE 1 = ?", 1)
	var t finance.ProgramTotals
	q := `SELECT COUNT(*) AS programs,
  COALESCE(SUM(CASE WHEN t.status = ? THEN 1 ELSE 0 END), 0) AS active,
  COALESCE(SUM(t.budget), 0) AS budget, COALESCE(SUM(t.committed), 0) AS committed, COALESCE(SUM(t.realized), 0) AS realized
FROM (` + programSelect + " " + where + `) t`
	if err := s.conn(ctx).Raw(q, append([]any{"active"}, args...)...).Scan(&t).Error; err != nil {
		return nil, err
	}
	return &t, nil
}

// LatestFiscalYear is the latest fiscal year of the programs the actor may
// see that filter selects (its year aside), 0 when there are none; report
// pages open on it. Errors: unauthorized.
func (s *Store) LatestFiscalYear(ctx context.Context, f finance.ProgramFilter) (int, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return 0, err
	}
	f.Year = 0
	where, args := programWhere(actor, f, "WHERE 1 = ?", 1)
	var year int
	err = s.conn(ctx).Raw("SELECT COALESCE(MAX(p.fiscal_year), 0) FROM programs p JOIN agencies a ON a.id = p.agency_id "+where, args...).Scan(&year).Error
	return year, err
}

// agencyOf is the agency an agency-bound actor works for; -1 matches nothing.
func agencyOf(a *finance.Actor) int64 {
	if a.AgencyID == nil {
		return -1
	}
	return *a.AgencyID
}

// UpdateProgram changes a program's fields other than its budget.
// Errors: unauthorized, forbidden, not_found, validation_failed.
func (s *Store) UpdateProgram(ctx context.Context, code string, in finance.ProgramInput) (*finance.Program, error) {
	var out *finance.Program
	err := s.InTx(ctx, func(ctx context.Context) error {
		p, err := s.programByCode(ctx, code)
		if err != nil {
			return err
		}
		if _, err := finance.Authorize(ctx, finance.ActEditProgram, &p.AgencyID); err != nil {
			return err
		}
		// Hold the row, as drafts and approvals in it do, and read it again
		// under the lock so that the audit entry's "before" is what was there.
		if err := s.lockProgram(ctx, p.ID); err != nil {
			return err
		}
		if p, err = s.programByCode(ctx, code); err != nil {
			return err
		}
		before := *p
		if err := p.Patch(in); err != nil {
			return err
		}
		var loans int64
		if err := s.conn(ctx).Raw("SELECT COUNT(*) FROM loans l JOIN disbursements d ON d.id = l.disbursement_id WHERE d.program_id = ?", p.ID).Scan(&loans).Error; err != nil {
			return err
		}
		if err := finance.CheckCreditChange(&before, p, loans); err != nil {
			return err
		}
		p.UpdatedAt = s.now(ctx)
		err = s.conn(ctx).Table("programs").Where("id = ?", p.ID).Updates(map[string]any{
			"name": p.Name, "kind": p.Kind, "funding_source": p.FundingSource, "fiscal_year": p.FiscalYear,
			"amount_per_recipient": p.AmountPerRecipient, "amount_per_recipient_strict": p.AmountPerRecipientStrict, "target_recipients": p.TargetRecipients,
			"eligible_size_classes": p.EligibleSizeClasses, "region_code": p.RegionCode,
			"starts_on": p.StartsOn, "ends_on": p.EndsOn, "status": p.Status, "updated_at": p.UpdatedAt,
			"schedule_kind": p.ScheduleKind, "subsidy_rate": p.SubsidyRate, "revolving": p.Revolving,
		}).Error
		if err != nil {
			return err
		}
		if out, err = s.programByCode(ctx, code); err != nil {
			return err
		}
		return s.audit(ctx, "update", "program", p.Code, before, out)
	})
	return out, err
}
