package report

import (
	"context"
	"sort"
	"strconv"

	"pilar/internal/finance"
	"pilar/internal/money"
)

// Report kinds of credit programs (issue 15).
const (
	KindCredit  = "credit"
	KindSubsidy = "subsidy"
)

// CreditFigures are a credit row's or the totals' figures as of a date:
// loans lent and their principal, principal outstanding (baki debet), the
// non-performing part (kolektibilitas 3–5) and its share of the
// outstanding, principal and interest repaid, and the interest subsidy
// from the first loan to the date. Available is, for a program, what it
// may still commit (budget − committed, plus principal repaid when it
// revolves); for other rows and the totals the sum of their programs'.
type CreditFigures struct {
	Loans           int64        `json:"loans"`
	Disbursed       money.Amount `json:"disbursed"`
	Outstanding     money.Amount `json:"outstanding"`
	NPL             money.Amount `json:"npl"`
	NPLPct          Pct          `json:"npl_pct"`
	PrincipalRepaid money.Amount `json:"principal_repaid"`
	InterestRepaid  money.Amount `json:"interest_repaid"`
	Subsidy         money.Amount `json:"subsidy"`
}

func (f *CreditFigures) add(o CreditFigures) {
	f.Loans += o.Loans
	f.Disbursed = f.Disbursed.Add(o.Disbursed)
	f.Outstanding = f.Outstanding.Add(o.Outstanding)
	f.NPL = f.NPL.Add(o.NPL)
	f.PrincipalRepaid = f.PrincipalRepaid.Add(o.PrincipalRepaid)
	f.InterestRepaid = f.InterestRepaid.Add(o.InterestRepaid)
	f.Subsidy = f.Subsidy.Add(o.Subsidy)
}

func (f *CreditFigures) finish() { f.NPLPct = Percent(f.NPL, f.Outstanding) }

func (f CreditFigures) cells() []any {
	return []any{f.Loans, f.Disbursed, f.Outstanding, f.NPL, f.NPLPct, f.PrincipalRepaid, f.InterestRepaid, f.Subsidy}
}

// CreditRow is one program, kolektibilitas (1–5) or region of the credit report.
type CreditRow struct {
	Key   string      `json:"key"`
	Label finance.Msg `json:"label"`
	CreditFigures
	// Revolving and Available: programs only (group_by=program).
	Revolving bool         `json:"revolving"`
	Available money.Amount `json:"available"`
}

// SubsidyClaim is the interest subsidy a program owes its bank for one
// month ("2024-07"), over the loans current on each day of it, to the
// report's date.
type SubsidyClaim struct {
	Program string `json:"program"`
	// ProgramName is the program's name, for pages (the code is its key).
	ProgramName string       `json:"-"`
	Month       string       `json:"month"`
	Label       finance.Msg  `json:"label"`
	Loans       int64        `json:"loans"`
	Subsidy     money.Amount `json:"subsidy"`
}

// Credit is the credit report of a fiscal year's credit programs as of a date.
type Credit struct {
	Year          int            `json:"year"`
	AsOf          string         `json:"as_of"`
	GroupBy       string         `json:"group_by"`
	Agency        string         `json:"agency"`
	Rows          []CreditRow    `json:"rows"`
	Totals        CreditFigures  `json:"totals"`
	SubsidyClaims []SubsidyClaim `json:"subsidy_claims"`
}

// Heading of the credit report.
func (r *Credit) Heading() Heading {
	return Heading{Year: r.Year, Agency: r.Agency, GroupBy: r.GroupBy}
}

// Subsidy is the subsidy claim report: Credit's claims, on their own.
type Subsidy struct {
	Year   int            `json:"year"`
	AsOf   string         `json:"as_of"`
	Agency string         `json:"agency"`
	Rows   []SubsidyClaim `json:"rows"`
	Total  money.Amount   `json:"total"`
}

// Heading of the subsidy claim report.
func (r *Subsidy) Heading() Heading { return Heading{Year: r.Year, Agency: r.Agency} }

// CreditProgram is a credit program as the credit report needs it.
type CreditProgram struct {
	Code, Name string
	Revolving  bool
	Available  money.Amount
}

// CreditLoan is one paid loan as the credit report needs it: its program,
// its recipient's region, its terms and its repayments by date.
type CreditLoan struct {
	Program    string
	RegionCode string
	Terms      finance.LoanTerms
	Repayments []finance.Repayment
}

// CreditService builds the credit report; the store implements it.
type CreditService interface {
	// CreditReport is the credit report. Errors: unauthorized, forbidden,
	// bad_request (as_of, group_by), validation_failed (unknown agency).
	CreditReport(ctx context.Context, f Filter) (*Credit, error)
}

// BuildCredit computes the credit report as of asOf (YYYY-MM-DD) from the
// programs and their loans, by the rules of finance (Position, SubsidyFor):
// rows by f.GroupBy (every program, every kolektibilitas 1–5, or each
// recipient region with a loan), totals, and each program's subsidy claim
// per month from its first loan's month to asOf's.
func BuildCredit(f Filter, asOf, agency string, programs []CreditProgram, loans []CreditLoan) *Credit {
	out := &Credit{Year: f.Year, AsOf: asOf, GroupBy: f.GroupBy, Agency: agency, Rows: []CreditRow{}, SubsidyClaims: []SubsidyClaim{}}
	rows := map[string]*CreditRow{}
	var keys []string
	row := func(key string, label finance.Msg) *CreditRow {
		if rows[key] == nil {
			rows[key] = &CreditRow{Key: key, Label: label}
			keys = append(keys, key)
		}
		return rows[key]
	}
	switch f.GroupBy {
	case "program":
		for _, p := range programs {
			r := row(p.Code, Text(p.Name))
			r.Revolving, r.Available = p.Revolving, p.Available
		}
	case "kolektibilitas":
		for k := 1; k <= 5; k++ {
			row(strconv.Itoa(k), finance.KolektibilitasNames[k])
		}
	}
	names := map[string]string{}
	for _, p := range programs {
		names[p.Code] = p.Name
	}
	claims := map[[2]string]*SubsidyClaim{}
	for _, l := range loans {
		if l.Terms.StartOn > asOf {
			continue
		}
		pos := finance.Position(l.Terms, l.Repayments, asOf)
		var key string
		var label finance.Msg
		switch f.GroupBy {
		case "program":
			key = l.Program
		case "kolektibilitas":
			key = strconv.Itoa(pos.Kolektibilitas)
		default:
			key, label = l.RegionCode, Text(finance.RegionLabel(l.RegionCode))
			if key == "" {
				label = finance.M("report.registry.none")
			}
		}
		fig := CreditFigures{Loans: 1, Disbursed: l.Terms.Principal, Outstanding: pos.Outstanding,
			PrincipalRepaid: pos.PrincipalPaid, InterestRepaid: pos.InterestPaid}
		if finance.NonPerforming(pos.Kolektibilitas) {
			fig.NPL = pos.Outstanding
		}
		for month, s := range finance.SubsidyByMonth(l.Terms, l.Repayments, asOf) {
			fig.Subsidy = fig.Subsidy.Add(s)
			c := claims[[2]string{l.Program, month}]
			if c == nil {
				c = &SubsidyClaim{Program: l.Program, ProgramName: names[l.Program], Month: month, Label: PeriodLabel(month)}
				claims[[2]string{l.Program, month}] = c
			}
			c.Loans++
			c.Subsidy = c.Subsidy.Add(s)
		}
		row(key, label).add(fig)
	}
	if f.GroupBy == "region" {
		sort.Strings(keys)
	}
	for _, k := range keys {
		r := rows[k]
		r.finish()
		out.Totals.add(r.CreditFigures)
		out.Rows = append(out.Rows, *r)
	}
	out.Totals.finish()
	for _, c := range claims {
		out.SubsidyClaims = append(out.SubsidyClaims, *c)
	}
	sort.Slice(out.SubsidyClaims, func(i, j int) bool {
		a, b := out.SubsidyClaims[i], out.SubsidyClaims[j]
		return a.Program < b.Program || a.Program == b.Program && a.Month < b.Month
	})
	return out
}

// SubsidyOf is the subsidy claim report of a credit report.
func SubsidyOf(c *Credit) *Subsidy {
	out := &Subsidy{Year: c.Year, AsOf: c.AsOf, Agency: c.Agency, Rows: c.SubsidyClaims}
	for _, r := range c.SubsidyClaims {
		out.Total = out.Total.Add(r.Subsidy)
	}
	return out
}

func creditService(svc Service) (CreditService, error) {
	cs, ok := svc.(CreditService)
	if !ok {
		return nil, finance.Errorf(finance.EInternal, "the credit report is not available")
	}
	return cs, nil
}

func init() {
	Kinds = append(Kinds, &Kind{
		Name:    KindCredit,
		Summary: "Credit programs of a year as of a date (as_of=YYYY-MM-DD, default today): loans, principal lent, outstanding (baki debet), NPL (kolektibilitas 3–5) and its ratio, principal and interest repaid, interest subsidy, by program (with what a revolving fund may lend again), kolektibilitas or region, and the subsidy claim per program and month; as json, csv or xlsx; bad as_of, unknown group_by or format: 400",
		Groups:  []string{"program", "kolektibilitas", "region"},
		Formats: []string{"json", "csv", "xlsx"},
		Params:  []string{"as_of"},
		Schema:  "Credit", Result: Credit{},
		Build: func(ctx context.Context, svc Service, f Filter) (any, error) {
			cs, err := creditService(svc)
			if err != nil {
				return nil, err
			}
			return cs.CreditReport(ctx, f)
		},
		Table: table("report.sheet.credit", []Column{
			{"key", "report.col.key", CellText}, {"label", "report.col.label", CellText},
			{"loans", "report.col.loans", CellCount}, {"disbursed", "report.col.disbursed", CellMoney},
			{"outstanding", "report.col.outstanding", CellMoney}, {"npl", "report.col.npl", CellMoney},
			{"npl_pct", "report.col.npl_pct", CellPercent}, {"principal_repaid", "report.col.principal_repaid", CellMoney},
			{"interest_repaid", "report.col.interest_repaid", CellMoney}, {"subsidy", "report.col.subsidy", CellMoney},
			{"available", "report.col.available", CellMoney},
		}, func(r *Credit, emit func([]any) error) error {
			for _, row := range r.Rows {
				if err := emit(append(append([]any{row.Key, row.Label}, row.cells()...), row.Available)); err != nil {
					return err
				}
			}
			return nil
		}, func(r *Credit) []any {
			var avail money.Amount
			for _, row := range r.Rows {
				avail = avail.Add(row.Available)
			}
			return append(append([]any{"", ""}, r.Totals.cells()...), avail)
		}),
	}, &Kind{
		Name:    KindSubsidy,
		Summary: "Interest subsidy claims of a year's credit programs per program and month, to a date (as_of, default today), to reconcile a bank's claim against: subsidy rate × outstanding × days / 360 over the days each loan is current; as json, csv or xlsx; bad as_of or format: 400",
		Formats: []string{"json", "csv", "xlsx"},
		Params:  []string{"as_of"},
		Schema:  "Subsidy", Result: Subsidy{},
		Build: func(ctx context.Context, svc Service, f Filter) (any, error) {
			cs, err := creditService(svc)
			if err != nil {
				return nil, err
			}
			f.GroupBy = ""
			c, err := cs.CreditReport(ctx, f)
			if err != nil {
				return nil, err
			}
			return SubsidyOf(c), nil
		},
		Table: table("report.sheet.subsidy", []Column{
			{"program", "report.col.program", CellText}, {"month", "report.col.month", CellText},
			{"label", "report.col.label", CellText}, {"loans", "report.col.loans", CellCount},
			{"subsidy", "report.col.subsidy", CellMoney},
		}, func(r *Subsidy, emit func([]any) error) error {
			for _, row := range r.Rows {
				if err := emit([]any{row.Program, row.Month, row.Label, row.Loans, row.Subsidy}); err != nil {
					return err
				}
			}
			return nil
		}, func(r *Subsidy) []any { return []any{"", "", "", "", r.Total} }),
	})
}
