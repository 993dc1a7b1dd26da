package report

import (
	"context"
	"math/big"
	"time"

	"pilar/internal/finance"
)

// KindRegistry is the registry statistics report (issue 14).
const KindRegistry = "registry"

// RegistryFigures are the counts of a registry row or of its totals:
// recipients registered as of the date and a year earlier, growth in units
// and percent of the year-earlier count, the workforce as of the date and
// the upward size-class changes (naik kelas) in the year up to the date.
type RegistryFigures struct {
	Count     int64 `json:"count"`
	CountPrev int64 `json:"count_prev"`
	Growth    int64 `json:"growth"`
	GrowthPct Pct   `json:"growth_pct"`
	Workforce int64 `json:"workforce"`
	NaikKelas int64 `json:"naik_kelas"`
}

// Finish computes growth and growth %.
func (f *RegistryFigures) Finish() {
	f.Growth = f.Count - f.CountPrev
	f.GrowthPct = CountPercent(f.Growth, f.CountPrev)
}

// Add adds the counts of another row (not the derived figures).
func (f *RegistryFigures) Add(o RegistryFigures) {
	f.Count += o.Count
	f.CountPrev += o.CountPrev
	f.Workforce += o.Workforce
	f.NaikKelas += o.NaikKelas
}

func (f RegistryFigures) cells() []any {
	return []any{f.Count, f.CountPrev, f.Growth, f.GrowthPct, f.Workforce, f.NaikKelas}
}

// CountPercent is part / whole x 100 rounded half up (away from zero) to 2
// decimals, exactly; "0.00" when whole is 0.
func CountPercent(part, whole int64) Pct {
	if whole == 0 {
		return "0.00"
	}
	num := new(big.Int).Mul(big.NewInt(part), big.NewInt(10000))
	return Pct(roundDiv(num, big.NewInt(whole)).StringFixed(2))
}

// RegistryRow is one kind, size class, sector or region of the registry.
type RegistryRow struct {
	Key   string      `json:"key"`
	Label finance.Msg `json:"label"`
	RegistryFigures
}

// KoperasiHealth counts the koperasi registered as of the date: active or
// not, whether they held the RAT (annual members' meeting) for the last
// fiscal year (the year before the date's) or it is overdue, and those
// that improved: RAT held, business volume and assets both above a year
// earlier.
type KoperasiHealth struct {
	Total      int64 `json:"total"`
	Active     int64 `json:"active"`
	Inactive   int64 `json:"inactive"`
	RATHeld    int64 `json:"rat_held"`
	RATOverdue int64 `json:"rat_overdue"`
	Improved   int64 `json:"improved"`
}

// OverdueKoperasi is a koperasi without a RAT for the last fiscal year.
type OverdueKoperasi struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	RegionCode  string `json:"region_code"`
	Active      bool   `json:"active"`
	LastRATYear *int   `json:"last_rat_year"`
}

// Registry is the registry statistics report as of a date.
type Registry struct {
	AsOf       string            `json:"as_of"`
	PrevAsOf   string            `json:"prev_as_of"` // the same date a year earlier
	GroupBy    string            `json:"group_by"`
	Region     string            `json:"region"`
	Rows       []RegistryRow     `json:"rows"`
	Totals     RegistryFigures   `json:"totals"`
	Koperasi   KoperasiHealth    `json:"koperasi"`
	RATOverdue []OverdueKoperasi `json:"rat_overdue"`
}

// Heading of the registry report.
func (r *Registry) Heading() Heading {
	y, _ := time.Parse(time.DateOnly, r.AsOf)
	return Heading{Year: y.Year(), GroupBy: r.GroupBy}
}

// RegistryService builds the registry report; the store implements it.
type RegistryService interface {
	// RegistryReport is the registry report. Errors: unauthorized, bad_request (as_of).
	RegistryReport(ctx context.Context, f Filter) (*Registry, error)
}

// AsOfDates reads f.AsOf (default: today, from now) and the same day a
// year earlier (29 February: 28 February). Errors: bad_request.
func AsOfDates(f Filter, now time.Time) (asOf, prev time.Time, err error) {
	if f.AsOf == "" {
		asOf = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	} else if asOf, err = time.Parse(time.DateOnly, f.AsOf); err != nil || asOf.Year() < 1900 || asOf.Year() > 2100 {
		return asOf, prev, finance.Errorf(finance.EBadRequest, "as_of must be a date as YYYY-MM-DD")
	}
	prev = time.Date(asOf.Year()-1, asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	if prev.Month() != asOf.Month() {
		prev = time.Date(asOf.Year()-1, asOf.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return asOf, prev, nil
}

// SizeRank orders the size classes: mikro 1, kecil 2, menengah 3; 0 unknown.
func SizeRank(class string) int {
	for i, c := range finance.SizeClasses {
		if c == class {
			return i + 1
		}
	}
	return 0
}

// RegistryLabel names a registry group, as a message: a region by its
// label, an empty key in words ("Not recorded"), a kind, size class or
// sector by its name.
func RegistryLabel(groupBy, key string) finance.Msg {
	switch {
	case groupBy == "region" && key != "":
		return Text(finance.RegionLabel(key))
	case key == "":
		return finance.M("report.registry.none")
	}
	return CodeLabel(groupBy, key)
}

func init() {
	Kinds = append(Kinds, &Kind{
		Name:    KindRegistry,
		Summary: "Registry statistics as of a date (as_of=YYYY-MM-DD, default today) of a region and the regions inside it (region=65, default all): recipients by kind, size class, sector or region, a year earlier, growth, workforce, naik kelas and koperasi health, as json, csv or xlsx; bad as_of, unknown group_by or format: 400",
		Groups:  []string{"kind", "size_class", "sector", "region"},
		Formats: []string{"json", "csv", "xlsx"},
		Params:  []string{"as_of", "region"},
		Schema:  "Registry", Result: Registry{},
		Build: func(ctx context.Context, svc Service, f Filter) (any, error) {
			rs, ok := svc.(RegistryService)
			if !ok {
				return nil, finance.Errorf(finance.EInternal, "the registry report is not available")
			}
			return rs.RegistryReport(ctx, f)
		},
		Table: table("report.sheet.registry", []Column{
			{"key", "report.col.key", CellText}, {"label", "report.col.label", CellText},
			{"count", "report.col.reg_count", CellCount}, {"count_prev", "report.col.reg_count_prev", CellCount},
			{"growth", "report.col.reg_growth", CellCount}, {"growth_pct", "report.col.reg_growth_pct", CellPercent},
			{"workforce", "report.col.reg_workforce", CellCount}, {"naik_kelas", "report.col.reg_naik_kelas", CellCount},
		}, func(r *Registry, emit func([]any) error) error {
			for _, row := range r.Rows {
				if err := emit(append([]any{row.Key, row.Label}, row.cells()...)); err != nil {
					return err
				}
			}
			return nil
		}, func(r *Registry) []any { return append([]any{"", ""}, r.Totals.cells()...) }),
	})
}
