package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/report"
)

// scope is the WHERE clause (over programs p and agencies a) of a report:
// the year, the funding source and the agencies the actor may see.
type scope struct {
	where  string
	args   []any
	agency *finance.Agency // the one agency in scope, or nil for all
}

// reportScope checks the filter and the actor. Errors: unauthorized,
// bad_request, forbidden (an agency the actor may not see),
// validation_failed (no agency has the code).
func (s *Store) reportScope(ctx context.Context, kind string, f *report.Filter) (*scope, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, err
	}
	if err := f.Check(kind); err != nil {
		return nil, err
	}
	sc := &scope{where: "p.fiscal_year = ?", args: []any{f.Year}}
	code := f.Agency
	if code == "" && !actor.SeesAllAgencies() {
		code = actor.AgencyCode
	}
	if code != "" {
		a, err := s.agencyByCode(ctx, code)
		if err != nil {
			return nil, finance.FieldError("agency", "no agency has this code")
		}
		if _, err := finance.AuthorizeRead(ctx, &a.ID); err != nil {
			return nil, err
		}
		sc.agency = a
		sc.where += " AND p.agency_id = ?"
		sc.args = append(sc.args, a.ID)
	}
	if f.FundingSource != "" {
		sc.where += " AND p.funding_source = ?"
		sc.args = append(sc.args, f.FundingSource)
	}
	return sc, nil
}

func (sc *scope) agencyName() string {
	if sc.agency == nil {
		return ""
	}
	return sc.agency.Name
}

// programFigures reads, per program in scope, its budgets, the amounts
// committed (finance.Committed) and realized (finance.Realized) in integer
// sen, whether it revolves and the principal repaid on its loans, the sums
// as program_totals holds them: triggers keep them exact in the
// transaction of every write to a disbursement or a repayment (migrations
// 00090, 00091; store.CheckProgramTotals recomputes them), so the report
// costs the same however many rows the year holds, and reading it beside
// 32 writers (pilar-bench's load) stays cheap. Its arguments are the scope's.
const programFigures = `SELECT p.code AS code, p.name AS name, p.funding_source AS funding_source,
  a.code AS agency_code, a.name AS agency_name,
  CASE WHEN p.region_code <> '' THEN p.region_code ELSE a.region_code END AS region,
  p.original_budget AS original_budget, p.budget AS budget, t.committed AS committed, t.realized AS realized,
  p.revolving AS revolving, t.principal_repaid AS principal_repaid
FROM programs p JOIN agencies a ON a.id = p.agency_id JOIN program_totals t ON t.program_id = p.id
WHERE %s`

// realizationKeys are the key and label columns of each grouping over programFigures.
var realizationKeys = map[string][2]string{
	"program":        {"code", "name"},
	"funding_source": {"funding_source", "funding_source"},
	"agency":         {"agency_code", "agency_name"},
	"region":         {"region", "region"},
}

type figuresRow struct {
	Key, Label                                  string
	OriginalBudget, Budget, Committed, Realized money.Amount
	Revolving                                   bool
	PrincipalRepaid                             money.Amount
}

// figures are the row's sums, its principal repaid returning to the
// budget as finance.Relendable says.
func (r figuresRow) figures() report.Figures {
	return report.Figures{OriginalBudget: r.OriginalBudget, Budget: r.Budget, Committed: r.Committed, Realized: r.Realized,
		PrincipalRepaid: r.PrincipalRepaid, Relendable: finance.Relendable(r.Revolving, r.PrincipalRepaid)}
}

// Realization is the budget realization report of the agencies the actor
// may see; every program of the year appears, with zeros if nothing
// happened. Errors: unauthorized, bad_request, forbidden, validation_failed.
func (s *Store) Realization(ctx context.Context, f report.Filter) (*report.Realization, error) {
	sc, err := s.reportScope(ctx, report.KindRealization, &f)
	if err != nil {
		return nil, err
	}
	out := &report.Realization{Year: f.Year, GroupBy: f.GroupBy, Agency: sc.agencyName(), Rows: []report.RealizationRow{}}
	if sc.agency != nil {
		out.Region = sc.agency.RegionCode
	}
	if f.GroupBy == "month" || f.GroupBy == "quarter" {
		return out, s.realizationByPeriod(ctx, sc, out)
	}
	// A group comes as up to two rows, its revolving programs' and the
	// others', as the principal repaid of only the first returns to the budget.
	k := realizationKeys[f.GroupBy]
	q := fmt.Sprintf(`SELECT %s AS key, MIN(%s) AS label, SUM(original_budget) AS original_budget, SUM(budget) AS budget,
  SUM(committed) AS committed, SUM(realized) AS realized, revolving, SUM(principal_repaid) AS principal_repaid
FROM (`+programFigures+`) x GROUP BY %s, revolving ORDER BY %s, revolving`,
		k[0], k[1], sc.where, k[0], k[0])
	var rows []figuresRow
	if err := s.conn(ctx).Raw(q, sc.args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		if n := len(out.Rows); n > 0 && out.Rows[n-1].Key == r.Key {
			out.Rows[n-1].Add(r.figures())
			continue
		}
		row := report.RealizationRow{Key: r.Key, Label: report.Text(r.Label), Figures: r.figures()}
		if f.GroupBy == "region" {
			row.Label = report.Text(finance.RegionLabel(r.Key))
		}
		out.Rows = append(out.Rows, row)
	}
	for i := range out.Rows {
		out.Rows[i].Finish()
		out.Totals.Add(out.Rows[i].Figures)
	}
	out.Totals.Finish()
	return out, nil
}

// periodSums sums, in one pass over the year's disbursements ever
// approved (its argument before the scope's), their amounts by status and
// by the months of approval, payment and return: a few hundred groups,
// which periodEvents then moves into months.
const periodSums = `SELECT d.status AS status, SUBSTR(d.approved_on, 1, 7) AS approved, SUBSTR(d.paid_on, 1, 7) AS paid,
  SUBSTR(d.returned_on, 1, 7) AS returned, SUM(d.amount) AS amount
FROM disbursements d JOIN programs p ON p.id = d.program_id JOIN agencies a ON a.id = p.agency_id
WHERE d.status IN ? AND %s
GROUP BY d.status, SUBSTR(d.approved_on, 1, 7), SUBSTR(d.paid_on, 1, 7), SUBSTR(d.returned_on, 1, 7)`

// periodRepaid sums the principal repaid on the loans of the programs in
// scope by the month it was repaid and whether the program revolves.
const periodRepaid = `SELECT SUBSTR(rp.paid_on, 1, 7) AS month, p.revolving AS revolving, SUM(rp.principal) AS principal_repaid
FROM repayments rp JOIN disbursements d ON d.id = rp.disbursement_id JOIN programs p ON p.id = d.program_id
JOIN agencies a ON a.id = p.agency_id
WHERE %s GROUP BY SUBSTR(rp.paid_on, 1, 7), p.revolving`

type periodRepaidSum struct {
	Month           string
	Revolving       bool
	PrincipalRepaid money.Amount
}

type periodSum struct {
	Status                   finance.Status
	Approved, Paid, Returned *string
	Amount                   money.Amount
}

// periodEvents moves amounts in and out of months: realized enters in the
// month of paid_on (finance.EverPaid) and a return (finance.Returned)
// takes it out in the month of returned_on; committed enters in the month
// of approved_on (finance.EverApproved; rows approved before that column
// existed carry their payment or disbursement date) and leaves with a
// return. A month that is NULL is "".
func periodEvents(sums []periodSum, event func(month string, committed, realized money.Amount)) {
	month := func(m *string) string {
		if m == nil {
			return ""
		}
		return *m
	}
	for _, g := range sums {
		if finance.EverPaid.Has(g.Status) {
			event(month(g.Paid), money.Zero, g.Amount)
		}
		if finance.Returned.Has(g.Status) {
			event(month(g.Returned), money.Zero.Sub(g.Amount), money.Zero.Sub(g.Amount))
		}
		if finance.EverApproved.Has(g.Status) {
			event(month(g.Approved), g.Amount, money.Zero)
		}
	}
}

func (s *Store) realizationByPeriod(ctx context.Context, sc *scope, out *report.Realization) error {
	var annual figuresRow
	err := s.conn(ctx).Raw(`SELECT COALESCE(SUM(p.original_budget), 0) AS original_budget, COALESCE(SUM(p.budget), 0) AS budget
		FROM programs p JOIN agencies a ON a.id = p.agency_id WHERE `+sc.where, sc.args...).Scan(&annual).Error
	if err != nil {
		return err
	}
	var sums []periodSum
	if err := s.conn(ctx).Raw(fmt.Sprintf(periodSums, sc.where), slices.Concat([]any{statusArg(finance.EverApproved)}, sc.args)...).Scan(&sums).Error; err != nil {
		return err
	}
	// The rows are exactly the fiscal year's periods: what happened before
	// the year (an approval in December for January's program) counts in
	// its first period, what happened after it (or carries no date) in its last.
	var repaid []periodRepaidSum
	if err := s.conn(ctx).Raw(fmt.Sprintf(periodRepaid, sc.where), sc.args...).Scan(&repaid).Error; err != nil {
		return err
	}
	byKey := map[string]*report.Figures{}
	period := func(m string) *report.Figures {
		k := report.PeriodOf(out.GroupBy, out.Year, m)
		if byKey[k] == nil {
			byKey[k] = &report.Figures{}
		}
		return byKey[k]
	}
	periodEvents(sums, func(m string, committed, realized money.Amount) {
		period(m).Add(report.Figures{Committed: committed, Realized: realized})
	})
	for _, r := range repaid {
		period(r.Month).Add(figuresRow{Revolving: r.Revolving, PrincipalRepaid: r.PrincipalRepaid}.figures())
	}
	var cum report.Figures
	for _, k := range report.Periods(out.GroupBy, out.Year) {
		var r report.Figures
		if f := byKey[k]; f != nil {
			r = *f
		}
		cum.Add(r)
		cum.Budget = annual.Budget
		cum.Finish()
		r.OriginalBudget, r.Budget = annual.OriginalBudget, annual.Budget
		r.RealizedPct, r.Remaining, r.OverUnder, r.Available = cum.RealizedPct, cum.Remaining, cum.OverUnder, cum.Available
		out.Rows = append(out.Rows, report.RealizationRow{Key: k, Label: report.PeriodLabel(k), Figures: r})
	}
	cum.OriginalBudget = annual.OriginalBudget
	out.Totals = cum
	out.Totals.Finish()
	return nil
}

// Sex from the NIK: 40 is added to the birth day of women, so the 7th digit
// is 4 to 7 for women and 0 to 3 for men (finance.NIKBirth decodes the same).
const (
	femaleNIK = "(LENGTH(r.nik) = 16 AND SUBSTR(r.nik, 7, 1) IN ('4','5','6','7'))"
	maleNIK   = "(LENGTH(r.nik) = 16 AND SUBSTR(r.nik, 7, 1) IN ('0','1','2','3'))"
)

var coverageKeys = map[string]string{
	"program":    "p.code",
	"size_class": "r.size_class",
	"sector":     "r.sector",
	"region":     "r.region_code",
	"sex":        "CASE WHEN " + femaleNIK + " THEN 'F' WHEN " + maleNIK + " THEN 'M' ELSE '' END",
}

// paidPerRecipient sums, per recipient paid in scope (finance.Realized,
// bound before the scope's arguments; the scope is %[1]s), what they were
// paid: one row per distinct recipient, so that the groups above it count
// rows instead of keeping three DISTINCT sets each. paidPerProgramRecipient
// does the same per program (pid) and recipient.
const (
	paidPerRecipient = `SELECT d.recipient_id AS rid, SUM(d.amount) AS amount
FROM ` + scopedDisbursements + `
WHERE d.program_id = p.id AND d.status IN ? AND %[1]s GROUP BY d.recipient_id`
	paidPerProgramRecipient = `SELECT d.program_id AS pid, d.recipient_id AS rid, SUM(d.amount) AS amount
FROM ` + scopedDisbursements + `
WHERE d.program_id = p.id AND d.status IN ? AND %[1]s GROUP BY d.program_id, d.recipient_id`
	// paidPerProgramRecipientSets is paidPerProgramRecipient with, as rows
	// whose pid is NULL, paidPerRecipient's in the same pass (PostgreSQL).
	paidPerProgramRecipientSets = `SELECT d.program_id AS pid, d.recipient_id AS rid, SUM(d.amount) AS amount
FROM ` + scopedDisbursements + `
WHERE d.program_id = p.id AND d.status IN ? AND %[1]s GROUP BY GROUPING SETS ((d.program_id, d.recipient_id), (d.recipient_id))`
)

// coverageSums counts the recipients of paidPerRecipient's rows x (joined
// to recipients r), by sex, and sums what they were paid.
const coverageSums = `COUNT(x.rid) AS reached,
  COALESCE(SUM(CASE WHEN ` + femaleNIK + ` THEN 1 ELSE 0 END), 0) AS female,
  COALESCE(SUM(CASE WHEN ` + maleNIK + ` THEN 1 ELSE 0 END), 0) AS male,
  COALESCE(SUM(x.amount), 0) AS amount`

var coverageSumsArgs = []any{statusArg(finance.Realized)}

type coverageRow struct {
	Total                         bool // the totals' row of coverage by program on PostgreSQL
	Key, Label                    string
	Target, Reached, Female, Male int64
	Amount                        money.Amount
}

// Coverage is the coverage report of the agencies the actor may see: per
// group, target and reached recipients (distinct, paid), by sex, and the
// amount paid and its average per recipient; every program of the year
// appears when grouped by program. Errors: unauthorized, bad_request,
// forbidden, validation_failed.
func (s *Store) Coverage(ctx context.Context, f report.Filter) (*report.Coverage, error) {
	sc, err := s.reportScope(ctx, report.KindCoverage, &f)
	if err != nil {
		return nil, err
	}
	return s.coverage(ctx, sc, f)
}

func (s *Store) coverage(ctx context.Context, sc *scope, f report.Filter) (*report.Coverage, error) {
	out := &report.Coverage{Year: f.Year, GroupBy: f.GroupBy, Agency: sc.agencyName(), Rows: []report.CoverageRow{}}
	perRecipient := fmt.Sprintf(paidPerRecipient, sc.where)
	var q string
	args := slices.Concat(coverageSumsArgs, sc.args)
	if f.GroupBy == "program" {
		// Every program of the year, paid in or not: the sums per program
		// first (y), then the programs. Summed over the programs joined to
		// their recipients instead, PostgreSQL expected a few thousand
		// rows for the year's 240,000 and looked each recipient up by its
		// key (4 s at a million disbursements, against 0.7 s hashed).
		perProgram := fmt.Sprintf(paidPerProgramRecipient, sc.where)
		var totals string
		if s.driver == "postgres" {
			// The totals (a recipient paid by two programs is reached once)
			// from the same pass, as y's row without a program: one read of
			// the year's rows and of recipients instead of two (1.05 s -> 0.55 s
			// at a million); SQLite has no GROUPING SETS.
			perProgram = fmt.Sprintf(paidPerProgramRecipientSets, sc.where)
			totals = `
UNION ALL SELECT TRUE, '', '', 0, y.reached, y.female, y.male, y.amount FROM y WHERE y.pid IS NULL`
		}
		q = `WITH y AS (SELECT x.pid AS pid, ` + coverageSums + ` FROM (` + perProgram + `) x
  JOIN recipients r ON r.id = x.rid GROUP BY x.pid)
SELECT FALSE AS total, p.code AS key, p.name AS label, p.target_recipients AS target, COALESCE(y.reached, 0) AS reached,
  COALESCE(y.female, 0) AS female, COALESCE(y.male, 0) AS male, COALESCE(y.amount, 0) AS amount
FROM programs p JOIN agencies a ON a.id = p.agency_id LEFT JOIN y ON y.pid = p.id
WHERE ` + sc.where + totals + `
ORDER BY 1, 2`
		args = slices.Concat(args, sc.args)
	} else {
		// Each recipient falls in one group: only groups somebody was paid in.
		key := coverageKeys[f.GroupBy]
		q = fmt.Sprintf("SELECT %s AS key, %s AS label, 0 AS target, %s FROM (%s) x JOIN recipients r ON r.id = x.rid GROUP BY %s ORDER BY 1",
			key, key, coverageSums, perRecipient, key)
	}
	var rows []coverageRow
	var tot, totals coverageRow
	reads := []func(ctx context.Context) error{func(ctx context.Context) error { return s.conn(ctx).Raw(q, args...).Scan(&rows).Error }}
	if f.GroupBy == "program" && s.driver != "postgres" {
		// A recipient paid by two programs is reached once in the totals.
		reads = append(reads, func(ctx context.Context) error {
			return s.conn(ctx).Raw("SELECT "+coverageSums+" FROM ("+perRecipient+") x JOIN recipients r ON r.id = x.rid", slices.Concat(coverageSumsArgs, sc.args)...).Scan(&totals).Error
		})
	}
	if err := s.readTogether(ctx, reads...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r.Total {
			totals = r
			continue
		}
		row := report.CoverageRow{Key: r.Key, Label: report.CoverageLabel(f.GroupBy, r.Key, r.Label), CoverageFigures: report.CoverageFigures{
			Target: r.Target, Reached: r.Reached, Female: r.Female, Male: r.Male, Amount: r.Amount,
			Average: report.Average(r.Amount, r.Reached)}}
		out.Rows = append(out.Rows, row)
		tot.Target, tot.Reached, tot.Female, tot.Male, tot.Amount = tot.Target+r.Target, tot.Reached+r.Reached, tot.Female+r.Female, tot.Male+r.Male, tot.Amount.Add(r.Amount)
	}
	if f.GroupBy == "program" { // the totals' row (PostgreSQL) or query (SQLite)
		target := tot.Target
		tot = totals
		tot.Target = target
	}
	out.Totals = report.CoverageFigures{Target: tot.Target, Reached: tot.Reached, Female: tot.Female, Male: tot.Male,
		Amount: tot.Amount, Average: report.Average(tot.Amount, tot.Reached)}
	return out, nil
}

// scopedDisbursements is the FROM of a query over the disbursements of the
// programs in scope (its WHERE says d.program_id = p.id): the programs
// first. SQLite keeps the order of a CROSS JOIN, so it reads each program's
// range of disbursements_report instead of scanning every disbursement of
// every year in id or recipient order, its choice without table
// statistics; PostgreSQL plans it as the inner join it is.
const scopedDisbursements = `programs p JOIN agencies a ON a.id = p.agency_id CROSS JOIN disbursements d`

// liveDisbursements are those in finance.Live, bound by liveArgs.
const liveDisbursements = "d.status IN ?"

var liveArgs = []any{statusArg(finance.Live)}

// Overlaps lists the red flags of a year among the recipients and programs
// the actor may see: one NIK, NIB or bank account under several
// recipients, recipients paid by several programs, recipients outside a
// program's eligible size classes or region, and amounts different from a
// program's fixed amount. Its sections are read on one snapshot
// (readTogether). Errors: unauthorized, bad_request, forbidden,
// validation_failed.
func (s *Store) Overlaps(ctx context.Context, f report.Filter) (*report.Overlaps, error) {
	sc, err := s.reportScope(ctx, report.KindOverlaps, &f)
	if err != nil {
		return nil, err
	}
	actor := finance.ActorFrom(ctx)
	out := &report.Overlaps{Year: f.Year, Agency: sc.agencyName()}
	section := func(dst *[]report.Flag, read func(ctx context.Context, sc *scope) ([]report.Flag, error)) func(context.Context) error {
		return func(ctx context.Context) (err error) {
			*dst, err = read(ctx, sc)
			return err
		}
	}
	shared := func(col, base, what string) func(ctx context.Context, sc *scope) ([]report.Flag, error) {
		return func(ctx context.Context, sc *scope) ([]report.Flag, error) {
			return s.sharedIdentifier(ctx, sc, col, base, what, actor)
		}
	}
	// The slowest first, so that the other connection takes the rest.
	err = s.readTogether(ctx,
		section(&out.MultiProgram, s.multiProgram),
		section(&out.Flagged, s.flagged),
		section(&out.SharedNIK, shared("r.nik", "r.nik", "NIK")),
		section(&out.SharedNIB, shared("r.nib", "r.nib", "NIB")),
		section(&out.SharedAccount, shared("r.bank_code || ' ' || r.account_no", "r.account_no", "account")),
		section(&out.Ineligible, s.ineligible),
		section(&out.AmountMismatch, s.amountMismatch),
		section(&out.ReturnedNotClosed, s.returnedNotClosed))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readTogether runs reads that make one answer, each writing its own part
// of it, on one snapshot, and gives the first error in the order of reads.
//
// On PostgreSQL they run in order in one repeatable-read, read-only
// transaction (or in the transaction ctx carries), without parallel
// workers and without JIT. Coverage's plans hash the sums per recipient
// under a join whose outer side alone is split among workers: each
// worker computed every sum again, three times the work on the 2-core
// server the issue measures on, and slower than one process doing it once
// (about 0.8 s against 1.1-1.6 s for the totals at a million rows). And
// the overlaps' statements, whose row estimates PostgreSQL cannot make (a
// unary plus, an EXISTS it must not flatten), were planned for millions
// of rows and spent over a second compiling what runs in milliseconds.
//
// On SQLite (outside a transaction) two or more reads run on two
// connections in read transactions that share one snapshot
// (snapshotConns), each taking the next read when it is free, so that two
// cores read. The first error or panic stops the reads not yet begun; a
// panic is raised again here once the other connection's read has ended.
//
// The reads must only read: the context they get carries, on SQLite, a
// read connection in place of a transaction, whose writes the ROLLBACK
// at the end would undo.
func (s *Store) readTogether(ctx context.Context, fns ...func(ctx context.Context) error) error {
	oneByOne := func(ctx context.Context) error {
		for _, fn := range fns {
			if err := fn(ctx); err != nil {
				return err
			}
		}
		return nil
	}
	if _, inTx := ctx.Value(txKey{}).(*gorm.DB); s.driver == "postgres" && !inTx {
		return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SET LOCAL max_parallel_workers_per_gather = 0").Error; err != nil {
				return err
			}
			if err := tx.Exec("SET LOCAL jit = off").Error; err != nil {
				return err
			}
			return oneByOne(context.WithValue(ctx, txKey{}, tx))
		}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	if !s.readsApart(ctx) || len(fns) < 2 {
		return oneByOne(ctx) // in a transaction; or one SQLite statement, one snapshot already
	}
	conns, release, err := s.snapshotConns(ctx, rangeReaders)
	if err != nil {
		return err
	}
	defer release()
	next := make(chan int, len(fns))
	for i := range fns {
		next <- i
	}
	close(next)
	errs, panics := make([]error, len(fns)), make([]any, len(conns))
	var failed atomic.Bool
	var wg sync.WaitGroup
	for k, c := range conns {
		db := s.db.WithContext(ctx).Session(&gorm.Session{})
		db.Statement.ConnPool = c // as gorm's Begin binds a transaction
		cctx := context.WithValue(ctx, txKey{}, db)
		wg.Go(func() {
			defer func() {
				if panics[k] = recover(); panics[k] != nil {
					failed.Store(true)
				}
			}()
			for i := range next {
				if failed.Load() {
					return
				}
				if errs[i] = fns[i](cctx); errs[i] != nil {
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// sharedIdentifier lists the groups of recipients sharing one value of
// col (over recipients r) of which at least one is in scope; col is the
// indexed column base or ends with it, and a recipient whose base is empty
// holds none. It starts from the few values of base held more than once,
// read from base's index, and counts the holders of col among their
// holders alone (two holders of a bank and account number hold the number
// twice), then asks, for those alone, whether one has a live disbursement
// in scope, rather than gathering every recipient in scope first; on
// PostgreSQL unflattened keeps that EXISTS from becoming a join that
// hashes every live disbursement of the year (a quarter of a second at a
// million rows), so it probes the holders' few rows through their index,
// as SQLite does.
func (s *Store) sharedIdentifier(ctx context.Context, sc *scope, col, base, what string, actor *finance.Actor) ([]report.Flag, error) {
	q := fmt.Sprintf(`WITH held AS (SELECT k, id FROM (
  SELECT %[1]s AS k, r.id AS id, COUNT(*) OVER (PARTITION BY %[1]s) AS n FROM recipients r
  WHERE %[2]s IN (SELECT %[2]s FROM recipients r WHERE %[2]s <> '' GROUP BY %[2]s HAVING COUNT(*) > 1)) x WHERE n > 1)
SELECT k, id FROM held WHERE k IN (
  SELECT h.k FROM held h WHERE EXISTS (SELECT 1 FROM disbursements d JOIN programs p ON p.id = d.program_id JOIN agencies a ON a.id = p.agency_id
    WHERE d.recipient_id = h.id AND %[3]s AND %[4]s%[5]s))
ORDER BY 1, 2`, col, base, liveDisbursements, sc.where, s.unflattened())
	var rows []struct {
		K  string
		ID int64
	}
	if err := s.conn(ctx).Raw(q, slices.Concat(liveArgs, sc.args)...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	flags := []report.Flag{}
	for i, r := range rows {
		if i == 0 || rows[i-1].K != r.K {
			flags = append(flags, report.Flag{})
		}
		fl := &flags[len(flags)-1]
		fl.RecipientIDs = append(fl.RecipientIDs, r.ID)
		fl.Reason = finance.M(sharedReason[what], shownIdentifier(actor, what, r.K), len(fl.RecipientIDs))
	}
	return flags, nil
}

// unflattened ends a subquery so that PostgreSQL plans it as a subquery
// run per outer row instead of pulling it up into a join: an OFFSET, which
// SQLite allows only after a LIMIT and does not need (it runs an EXISTS per
// row already).
func (s *Store) unflattened() string {
	if s.driver == "postgres" {
		return " OFFSET 0"
	}
	return ""
}

// sharedReason is the message of a shared identifier.
var sharedReason = map[string]string{
	"NIK":     "NIK %s is used by %d recipients",
	"NIB":     "NIB %s is used by %d recipients",
	"account": "account %s is used by %d recipients",
}

// shownIdentifier masks a NIK or account number for roles that may not see
// personal data, as the recipient pages do.
func shownIdentifier(actor *finance.Actor, what, v string) string {
	if actor.SeesPersonalData() {
		return v
	}
	r := finance.Recipient{}
	switch what {
	case "NIK":
		r.NIK = v
		r.Mask()
		return r.NIK
	case "account":
		bank, no, _ := strings.Cut(v, " ")
		r.AccountNo = no
		r.Mask()
		return bank + " " + r.AccountNo
	}
	return v
}

type flagRow struct {
	ID, RecipientID int64
	Code            string
}

// multiProgram lists the recipients paid by several programs in scope.
// Those are the recipients whose lowest and highest program differ, which
// costs no DISTINCT set per recipient. On SQLite the list of them is
// probed from one read of the year's range of disbursements_report (the
// unary + keeps it from seeking each of them in each program's range,
// tens of thousands of seeks a program); PostgreSQL cannot estimate +x
// and, planning for tens of millions of rows, spent twice the query's
// time compiling it (JIT): there one pass with the bounds as window
// aggregates per recipient takes half the time of the join (0.5 s against
// 1 s at a million rows), where SQLite's window is the slower of the two.
func (s *Store) multiProgram(ctx context.Context, sc *scope) ([]report.Flag, error) {
	q := `SELECT d.id AS id, d.recipient_id AS recipient_id, p.code AS code
FROM ` + scopedDisbursements + `
WHERE d.program_id = p.id AND d.status IN ? AND ` + sc.where + ` AND +d.recipient_id IN (
  SELECT d.recipient_id FROM ` + scopedDisbursements + `
  WHERE d.program_id = p.id AND d.status IN ? AND ` + sc.where + ` GROUP BY d.recipient_id HAVING MIN(d.program_id) < MAX(d.program_id))
ORDER BY d.recipient_id, p.code, d.id`
	args := slices.Concat([]any{statusArg(finance.Realized)}, sc.args, []any{statusArg(finance.Realized)}, sc.args)
	if s.driver == "postgres" {
		q = `SELECT id, recipient_id, code FROM (
  SELECT d.id, d.recipient_id, p.code, MIN(d.program_id) OVER w AS lo, MAX(d.program_id) OVER w AS hi
  FROM ` + scopedDisbursements + `
  WHERE d.program_id = p.id AND d.status IN ? AND ` + sc.where + `
  WINDOW w AS (PARTITION BY d.recipient_id)) x
WHERE lo < hi ORDER BY recipient_id, code, id`
		args = slices.Concat([]any{statusArg(finance.Realized)}, sc.args)
	}
	flags := []report.Flag{}
	err := scanEach(s.conn(ctx).Raw(q, args...), func(rows *sql.Rows) error {
		var r flagRow
		if err := rows.Scan(&r.ID, &r.RecipientID, &r.Code); err != nil {
			return err
		}
		if n := len(flags); n == 0 || flags[n-1].RecipientIDs[0] != r.RecipientID {
			flags = append(flags, report.Flag{RecipientIDs: []int64{r.RecipientID}})
		}
		fl := &flags[len(flags)-1]
		if !slices.Contains(fl.Programs, r.Code) {
			fl.Programs = append(fl.Programs, r.Code)
		}
		fl.DisbursementIDs = append(fl.DisbursementIDs, r.ID)
		fl.Reason = finance.M("paid by %d programs", len(fl.Programs))
		return nil
	})
	return flags, err
}

// ineligible lists live disbursements to recipients outside the program's
// eligible size classes or region scope; the rule is report.Ineligibility.
func (s *Store) ineligible(ctx context.Context, sc *scope) ([]report.Flag, error) {
	q := `SELECT d.id, d.recipient_id, p.code, p.eligible_size_classes, p.region_code, r.size_class, r.region_code
FROM ` + scopedDisbursements + `
JOIN recipients r ON r.id = d.recipient_id
WHERE d.program_id = p.id AND ` + liveDisbursements + ` AND (p.eligible_size_classes <> '' OR p.region_code <> '') AND ` + sc.where + `
ORDER BY d.id`
	rows, err := s.conn(ctx).Raw(q, slices.Concat(liveArgs, sc.args)...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	flags := []report.Flag{}
	for rows.Next() {
		var r flagRow
		var sizes finance.StringList
		var programRegion, size, region string
		if err := rows.Scan(&r.ID, &r.RecipientID, &r.Code, &sizes, &programRegion, &size, &region); err != nil {
			return nil, err
		}
		if why := report.Ineligibility(sizes, programRegion, size, region); why.Key != "" {
			flags = append(flags, report.Flag{RecipientIDs: []int64{r.RecipientID}, Programs: []string{r.Code},
				DisbursementIDs: []int64{r.ID}, Reason: why})
		}
	}
	return flags, rows.Err()
}

// amountMismatch lists live disbursements whose amount differs from the
// program's fixed amount per recipient.
func (s *Store) amountMismatch(ctx context.Context, sc *scope) ([]report.Flag, error) {
	q := `SELECT d.id AS id, d.recipient_id AS recipient_id, p.code AS code, d.amount AS amount, p.amount_per_recipient AS fixed
FROM ` + scopedDisbursements + `
WHERE d.program_id = p.id AND ` + liveDisbursements + ` AND p.amount_per_recipient IS NOT NULL AND d.amount <> p.amount_per_recipient AND ` + sc.where + `
ORDER BY d.id`
	var rows []struct {
		flagRow
		Amount, Fixed money.Amount
	}
	if err := s.conn(ctx).Raw(q, slices.Concat(liveArgs, sc.args)...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	flags := []report.Flag{}
	for _, r := range rows {
		flags = append(flags, report.Flag{RecipientIDs: []int64{r.RecipientID}, Programs: []string{r.Code}, DisbursementIDs: []int64{r.ID},
			Reason: finance.M("amount %s differs from the program's fixed amount %s", r.Amount.String(), r.Fixed.String())})
	}
	return flags, nil
}

// flagged lists the live disbursements in scope that carry flags, with
// whether and why each was approved despite them and the exclusion lists
// its recipient matched.
func (s *Store) flagged(ctx context.Context, sc *scope) ([]report.Flag, error) {
	q := `SELECT d.id AS id, d.recipient_id AS recipient_id, p.code AS code, d.status AS status, d.flags AS flags, d.override_reason AS override_reason
FROM ` + scopedDisbursements + `
WHERE d.program_id = p.id AND ` + liveDisbursements + ` AND d.flags <> '[]' AND ` + sc.where + `
ORDER BY d.id`
	// Rows flagged alike (the same program paid before, the same list)
	// share their flags' text: each text is decoded once, its messages
	// joined once, and the rows share the result, which nothing changes.
	type decoded struct {
		flags finance.Flags
		lists []int64
		why   string
	}
	seen := map[string]*decoded{}
	out := []report.Flag{}
	err := scanEach(s.conn(ctx).Raw(q, slices.Concat(liveArgs, sc.args)...), func(rows *sql.Rows) error {
		var id, recipientID int64
		var code, text, overrideReason string
		var status finance.Status
		if err := rows.Scan(&id, &recipientID, &code, &status, &text, &overrideReason); err != nil {
			return err
		}
		dec := seen[text]
		if dec == nil {
			dec = &decoded{}
			if err := dec.flags.Scan(text); err != nil {
				return err
			}
			msgs := make([]string, len(dec.flags))
			for i, f := range dec.flags {
				msgs[i] = f.Message
				if f.ListID != 0 && !slices.Contains(dec.lists, f.ListID) {
					dec.lists = append(dec.lists, f.ListID)
				}
			}
			dec.lists, dec.why = slices.Clip(dec.lists), strings.Join(msgs, "; ")
			seen[text] = dec
		}
		fl := report.Flag{RecipientIDs: []int64{recipientID}, Programs: []string{code}, DisbursementIDs: []int64{id},
			Flags: dec.flags, ExclusionLists: dec.lists, OverrideReason: overrideReason}
		overridden := overrideReason != ""
		fl.Overridden = &overridden
		switch {
		case overridden:
			fl.Reason = finance.M("%s — approved despite the flags: %s", dec.why, overrideReason)
		case status == finance.StatusSubmitted:
			fl.Reason = finance.M("%s — awaiting approval", dec.why)
		default:
			fl.Reason = finance.M("%s — not overridden (%s)", dec.why, string(status))
		}
		out = append(out, fl)
		return nil
	})
	return out, err
}
