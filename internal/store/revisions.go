package store

import (
	"context"

	"pilar/internal/finance"
)

// ReviseBudget sets a program's current budget (admin, or a reviewer of its
// agency), keeps the revision with its reason and approver, and leaves the
// original budget as it was. The check against what is committed holds the
// program's lock, as approvals do. Errors: unauthorized, forbidden,
// not_found, validation_failed, budget_exceeded (below committed).
func (s *Store) ReviseBudget(ctx context.Context, code string, in finance.BudgetRevisionInput) (*finance.BudgetRevision, error) {
	actor, err := finance.Authorize(ctx, finance.ActReviseBudget, nil)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.InTx(ctx, func(ctx context.Context) error {
		p, err := s.FindProgramByCode(ctx, code)
		if err != nil {
			return err
		}
		if _, err := finance.Authorize(ctx, finance.ActReviseBudget, &p.AgencyID); err != nil {
			return err
		}
		if err := s.lockProgram(ctx, p.ID); err != nil {
			return err
		}
		if p, err = s.programByCode(ctx, code); err != nil {
			return err
		}
		r, err := finance.NewBudgetRevision(p, in)
		if err != nil {
			return err
		}
		r.ApprovedByID, r.CreatedAt = actor.UserID, s.now(ctx)
		if err := s.conn(ctx).Create(r).Error; err != nil {
			return err
		}
		id = r.ID
		err = s.conn(ctx).Table("programs").Where("id = ?", p.ID).Updates(map[string]any{"budget": r.Budget, "updated_at": r.CreatedAt}).Error
		if err != nil {
			return err
		}
		return s.audit(ctx, "revise_budget", "program", p.Code, map[string]any{"budget": r.PreviousBudget}, r)
	})
	if err != nil {
		return nil, err
	}
	var r finance.BudgetRevision
	err = s.conn(ctx).Raw(revisionSelect+" WHERE br.id = ?", id).Take(&r).Error
	return &r, translate(err, "budget revision")
}

const revisionSelect = `SELECT br.*, p.code AS program_code, u.email AS approved_by, u.name AS approved_by_name
FROM budget_revisions br
JOIN programs p ON p.id = br.program_id
JOIN users u ON u.id = br.approved_by_id`

// FindBudgetRevisions lists a program's budget revisions, oldest first, to
// anyone who may read the program. Errors: unauthorized, not_found, forbidden.
func (s *Store) FindBudgetRevisions(ctx context.Context, code string) ([]*finance.BudgetRevision, error) {
	p, err := s.FindProgramByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	var out []*finance.BudgetRevision
	err = s.conn(ctx).Raw(revisionSelect+" WHERE br.program_id = ? ORDER BY br.id", p.ID).Scan(&out).Error
	return out, err
}
