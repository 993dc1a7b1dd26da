// Package report holds Pilar's reports in finance terms: the budget
// realization (Laporan Realisasi Anggaran), coverage and the overlaps and
// red flags, their filters and the arithmetic that turns sums into
// percentages and averages. The sums themselves come from SQL in the store.
package report

import (
	"context"
	"math/big"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"pilar/internal/finance"
	"pilar/internal/money"
)

// Filter narrows a report: one fiscal year, optionally one agency (by code)
// and one funding source, grouped by GroupBy.
type Filter struct {
	Year          int
	Agency        string
	FundingSource string
	GroupBy       string
	AsOf          string // YYYY-MM-DD, for the registry report; "" is today
	Region        string // a region code, for the registry report: that region and the ones inside it; "" all
}

// Check fills in the default grouping of the kind and refuses an unknown
// one, an unknown funding source or a year out of range. Errors: bad_request.
func (f *Filter) Check(kind string) error {
	k, err := Lookup(kind)
	if err != nil {
		return err
	}
	groups := k.Groups
	switch {
	case f.GroupBy == "" && groups != nil:
		f.GroupBy = groups[0]
	case groups == nil && f.GroupBy != "":
		return finance.Errorf(finance.EBadRequest, "the %s report has no group_by", kind)
	case f.GroupBy != "" && !slices.Contains(groups, f.GroupBy):
		return finance.Errorf(finance.EBadRequest, "group_by must be one of %s", strings.Join(groups, ", "))
	}
	if f.Year < 2000 || f.Year > 2100 {
		return finance.Errorf(finance.EBadRequest, "year must be a year between 2000 and 2100")
	}
	if f.FundingSource != "" && !slices.Contains(finance.FundingSources, f.FundingSource) {
		return finance.Errorf(finance.EBadRequest, "funding_source must be one of %s", strings.Join(finance.FundingSources, ", "))
	}
	return nil
}

// Service builds the reports for the agencies the actor may see.
type Service interface {
	// Realization is the budget realization report. Errors: unauthorized,
	// forbidden (another agency), bad_request, validation_failed (unknown agency).
	Realization(ctx context.Context, f Filter) (*Realization, error)
	// Coverage is the coverage report. Errors as Realization.
	Coverage(ctx context.Context, f Filter) (*Coverage, error)
	// Overlaps lists the red flags. Errors as Realization.
	Overlaps(ctx context.Context, f Filter) (*Overlaps, error)
}

// Pct is a percentage with two decimals, written as a JSON string ("73.41").
type Pct string

// Percent is part / whole x 100 rounded half up (away from zero) to 2
// decimals, exactly, on integer sen; "0.00" when whole is 0.
func Percent(part, whole money.Amount) Pct {
	if whole.IsZero() {
		return "0.00"
	}
	// part/whole*100 to 2 decimals is part*10000/whole in hundredths.
	num := new(big.Int).Mul(big.NewInt(part.Sen()), big.NewInt(10000))
	return Pct(roundDiv(num, big.NewInt(whole.Sen())).StringFixed(2))
}

// roundDiv is num/den in hundredths, rounded half away from zero.
func roundDiv(num, den *big.Int) decimal.Decimal {
	neg := num.Sign()*den.Sign() < 0
	n, d := new(big.Int).Abs(num), new(big.Int).Abs(den)
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Mul(r, big.NewInt(2)).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return decimal.NewFromBigInt(q, -2)
}

// Average is amount / n rounded half up to the sen; Rp0 when n is 0.
func Average(amount money.Amount, n int64) money.Amount {
	if n == 0 {
		return money.Zero
	}
	return money.FromDecimal(roundDiv(big.NewInt(amount.Sen()), big.NewInt(n)))
}
