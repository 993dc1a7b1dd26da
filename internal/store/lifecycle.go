package store

import (
	"context"

	"pilar/internal/finance"
)

// ActOnDisbursement takes one life-cycle action on a disbursement, in one
// transaction that holds the program's and the disbursement's rows
// (lockDisbursement) and writes only while the status is still the one it
// checked, so that approving checks the budget against every other
// approval and no change to a draft slips in between. The audit entry's
// "after" is the row as written. Errors: unauthorized, not_found,
// forbidden, invalid_transition, budget_exceeded, validation_failed.
func (s *Store) ActOnDisbursement(ctx context.Context, id int64, action string, in finance.ActionInput) (*finance.Disbursement, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, err
	}
	if err := finance.CheckAction(action); err != nil {
		return nil, err
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		d, err := s.lockDisbursement(ctx, id)
		if err != nil {
			return err
		}
		before := *d
		if err := d.Act(actor, action, in, s.today(ctx)); err != nil {
			return err
		}
		if err := s.flagDisbursement(ctx, d, action, in); err != nil {
			return err
		}
		if action == finance.ActionReturn {
			if err := s.checkLoanReturn(ctx, d); err != nil {
				return err
			}
		}
		if action == finance.ActionApprove {
			p, err := s.programByCode(ctx, d.Program)
			if err != nil {
				return err
			}
			if err := finance.CheckBudget(p, d.Amount); err != nil {
				return err
			}
		}
		d.UpdatedAt = s.now(ctx)
		res := s.conn(ctx).Table("disbursements").Where("id = ? AND status = ?", id, before.Status).Updates(map[string]any{
			"status": d.Status, "submitted_by_id": d.SubmittedByID, "approved_by_id": d.ApprovedByID,
			"approved_on": d.ApprovedOn, "paid_on": d.PaidOn, "returned_on": d.ReturnedOn, "payment_ref": d.PaymentRef, "note": d.Note,
			"flags": d.Flags, "override_reason": d.OverrideReason, "updated_at": d.UpdatedAt,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return changedMeanwhile(id)
		}
		after, err := s.disbursementByID(ctx, id)
		if err != nil {
			return err
		}
		return s.audit(ctx, action, "disbursement", id, before, after)
	})
	if err != nil {
		return nil, err
	}
	return s.disbursementByID(ctx, id)
}

// ActOnDisbursements takes the same action on each disbursement, each in its
// own transaction, so that one refused (say, over budget) leaves the others
// done. Errors: unauthorized, not_found (no such action), forbidden (a role
// that may never take the action).
func (s *Store) ActOnDisbursements(ctx context.Context, ids []int64, action string, in finance.ActionInput) ([]finance.ActionResult, error) {
	act, err := finance.ActOf(action)
	if err != nil {
		return nil, err
	}
	if _, err := finance.Authorize(ctx, act, nil); err != nil {
		return nil, err
	}
	out := make([]finance.ActionResult, 0, len(ids))
	for _, id := range ids {
		d, err := s.ActOnDisbursement(ctx, id, action, in)
		out = append(out, finance.ActionResult{ID: id, Disbursement: d, Err: err})
	}
	return out, nil
}

// lockProgram holds the program's row until the transaction ends, so budget
// checks and the writes they guard run one at a time per program. SQLite
// needs nothing: every transaction begins IMMEDIATE and holds the write lock.
func (s *Store) lockProgram(ctx context.Context, programID int64) error {
	if s.driver != "postgres" {
		return nil
	}
	return s.conn(ctx).Exec("SELECT id FROM programs WHERE id = ? FOR UPDATE", programID).Error
}
