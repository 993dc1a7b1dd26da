package store

import (
	"context"

	"pilar/internal/finance"
	"pilar/internal/money"
)

// TotalsDrift is one program whose summary row (program_totals) differs
// from what its disbursements add up to.
type TotalsDrift struct {
	Program                     string
	Committed, Realized         money.Amount // as summed from disbursements
	Reached                     int64
	HeldCommitted, HeldRealized money.Amount // as held in program_totals
	HeldReached                 int64
	// PrincipalRepaid is the principal repaid on its loans, summed from
	// repayments; HeldPrincipalRepaid as held (migration 00091).
	PrincipalRepaid, HeldPrincipalRepaid money.Amount
}

// CheckProgramTotals recomputes every program's committed, realized and
// reached from its disbursements, with finance's status sets, and its
// principal repaid from its repayments, and lists the programs whose
// program_totals row says otherwise (none when the triggers of migrations
// 00090 and 00091 keep it exact). It reads every disbursement
// once: a check for tests and operators, not for a request.
func (s *Store) CheckProgramTotals(ctx context.Context) ([]TotalsDrift, error) {
	var out []TotalsDrift
	err := s.conn(ctx).Raw(`SELECT p.code AS program,
  COALESCE(x.committed, 0) AS committed, COALESCE(x.realized, 0) AS realized, COALESCE(x.reached, 0) AS reached,
  COALESCE(t.committed, -1) AS held_committed, COALESCE(t.realized, -1) AS held_realized, COALESCE(t.reached, -1) AS held_reached,
  COALESCE(r.principal_repaid, 0) AS principal_repaid, COALESCE(t.principal_repaid, -1) AS held_principal_repaid
FROM programs p
LEFT JOIN program_totals t ON t.program_id = p.id
LEFT JOIN (SELECT d.program_id,
    SUM(CASE WHEN d.status IN ? THEN d.amount ELSE 0 END) AS committed,
    SUM(CASE WHEN d.status IN ? THEN d.amount ELSE 0 END) AS realized,
    COUNT(DISTINCT CASE WHEN d.status IN ? THEN d.recipient_id END) AS reached
  FROM disbursements d GROUP BY d.program_id) x ON x.program_id = p.id
LEFT JOIN (SELECT d.program_id, SUM(rp.principal) AS principal_repaid
  FROM repayments rp JOIN disbursements d ON d.id = rp.disbursement_id GROUP BY d.program_id) r ON r.program_id = p.id
WHERE t.program_id IS NULL OR t.committed <> COALESCE(x.committed, 0) OR t.realized <> COALESCE(x.realized, 0) OR t.reached <> COALESCE(x.reached, 0)
  OR t.principal_repaid <> COALESCE(r.principal_repaid, 0)
ORDER BY p.code`, statusArg(finance.Committed), statusArg(finance.Realized), statusArg(finance.Realized)).Scan(&out).Error
	return out, err
}

// deferTotals stops PostgreSQL's triggers from keeping program_totals for
// the rest of the transaction in ctx, for a historical import, which
// changes each program's row once per imported row otherwise: in one
// transaction every change leaves a version that the next must step over.
// The import calls recomputeTotals for its programs before it commits.
// SQLite updates the row in place and goes on keeping it.
func (s *Store) deferTotals(ctx context.Context) error {
	if s.driver != "postgres" {
		return nil
	}
	return s.conn(ctx).Exec("SELECT set_config('pilar.defer_totals', 'on', true)").Error
}

// recomputeTotals sets the totals of the programs with these codes from
// their disbursements, holding their rows (in id order) first so that the
// sums, read after, see every change committed before, and turns the
// triggers on again (PostgreSQL, after deferTotals).
func (s *Store) recomputeTotals(ctx context.Context, codes []string) error {
	if s.driver != "postgres" {
		return nil
	}
	db := s.conn(ctx)
	if err := db.Exec("SELECT set_config('pilar.defer_totals', 'off', true)").Error; err != nil {
		return err
	}
	for part := range chunks(codes) {
		if err := db.Exec(`SELECT t.program_id FROM program_totals t JOIN programs p ON p.id = t.program_id
  WHERE p.code IN ? ORDER BY t.program_id FOR UPDATE OF t`, part).Error; err != nil {
			return err
		}
		err := db.Exec(`UPDATE program_totals t SET committed = x.committed, realized = x.realized, reached = x.reached
FROM (SELECT p.id AS program_id,
    COALESCE(SUM(CASE WHEN d.status IN ? THEN d.amount END), 0) AS committed,
    COALESCE(SUM(CASE WHEN d.status IN ? THEN d.amount END), 0) AS realized,
    COUNT(DISTINCT CASE WHEN d.status IN ? THEN d.recipient_id END) AS reached
  FROM programs p LEFT JOIN disbursements d ON d.program_id = p.id WHERE p.code IN ? GROUP BY p.id) x
WHERE t.program_id = x.program_id`, statusArg(finance.Committed), statusArg(finance.Realized), statusArg(finance.Realized), part).Error
		if err != nil {
			return err
		}
	}
	return nil
}
