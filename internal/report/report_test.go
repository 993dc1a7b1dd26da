package report

import (
	"reflect"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"pilar/internal/finance"
	"pilar/internal/money"
)

func amount(s string) money.Amount { return money.FromDecimal(decimal.RequireFromString(s)) }

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		part, whole string
		want        Pct
	}{
		{"0", "0", "0.00"}, {"5", "0", "0.00"}, {"1", "3", "33.33"}, {"2", "3", "66.67"},
		{"1", "8", "12.50"}, {"1", "80000", "0.00"}, {"1", "160000", "0.00"}, {"1", "20000", "0.01"}, // 0.005 rounds up
		{"-1", "20000", "-0.01"}, {"733333.33", "1000000", "73.33"}, {"1000000000000000", "0.01", "10000000000000000000.00"},
	} {
		if got := Percent(amount(c.part), amount(c.whole)); got != c.want {
			t.Errorf("Percent(%s, %s) = %s, want %s", c.part, c.whole, got, c.want)
		}
	}
}

func TestAverage(t *testing.T) {
	for _, c := range []struct {
		amount string
		n      int64
		want   string
	}{{"10", 3, "3.33"}, {"0.05", 2, "0.03"}, {"7200000", 3, "2400000"}, {"5", 0, "0"}} {
		if got := Average(amount(c.amount), c.n); !got.Equal(amount(c.want)) {
			t.Errorf("Average(%s, %d) = %s, want %s", c.amount, c.n, got, c.want)
		}
	}
}

func TestFilter_Check(t *testing.T) {
	f := Filter{Year: 2024}
	if err := f.Check(KindCoverage); err != nil || f.GroupBy != "program" {
		t.Errorf("default: %v %q", err, f.GroupBy)
	}
	for _, c := range []struct {
		kind string
		f    Filter
	}{
		{KindRealization, Filter{Year: 2024, GroupBy: "sex"}}, {KindOverlaps, Filter{Year: 2024, GroupBy: "program"}},
		{KindCoverage, Filter{Year: 1999}}, {KindCoverage, Filter{Year: 2024, FundingSource: "APBX"}},
	} {
		if err := c.f.Check(c.kind); finance.ErrorCode(err) != finance.EBadRequest {
			t.Errorf("%s %+v: %v", c.kind, c.f, err)
		}
	}
	coverage, _ := Lookup(KindCoverage)
	if err := coverage.CheckFormat("pdf"); finance.ErrorCode(err) != finance.EBadRequest {
		t.Errorf("coverage pdf: %v", err)
	}
}

func TestLabels(t *testing.T) {
	for key, want := range map[string]string{"2024-07": "Juli 2024", "2024-Q3": "Triwulan III 2024", "": "Tanpa tanggal"} {
		if got := PeriodLabel(key).In("id"); got != want {
			t.Errorf("PeriodLabel(%q) = %q, want %q", key, got, want)
		}
	}
	if got := RegionLabel("64.72"); got != "Kalimantan Timur 64.72" {
		t.Errorf("RegionLabel = %q", got)
	}
	if got := Ineligibility([]string{"mikro"}, "64", "mikro", "64.72"); got.Key != "" {
		t.Errorf("eligible: %q", got)
	}
	if got := Ineligibility(nil, "64", "mikro", "641"); got.Key == "" {
		t.Error("641 is not inside 64")
	}
}

// TestKinds checks each registered kind is complete: a build function, a
// table, a PDF layout exactly when it is written as a PDF, a default
// grouping that its filter accepts.
func TestKinds(t *testing.T) {
	for _, k := range Kinds {
		t.Run(k.Name, func(t *testing.T) {
			if k.Build == nil || k.Table.Rows == nil || len(k.Table.Columns) == 0 || k.Schema == "" || k.Result == nil {
				t.Fatalf("incomplete kind %+v", k)
			}
			if (k.PDF != nil) != slices.Contains(k.Formats, "pdf") {
				t.Errorf("formats %v but PDF layout %v", k.Formats, k.PDF)
			}
			if k.PDF != nil && len(k.PDF.Widths) != len(k.Table.Columns) {
				t.Errorf("%d PDF widths for %d columns", len(k.PDF.Widths), len(k.Table.Columns))
			}
			if k.Formats[0] != "json" {
				t.Errorf("formats %v do not start with json", k.Formats)
			}
			if KindOf(reflect.New(reflect.TypeOf(k.Result)).Interface()) != k {
				t.Error("KindOf does not find the kind of its own report")
			}
			f := Filter{Year: 2024}
			if err := f.Check(k.Name); err != nil || (k.Groups != nil && f.GroupBy != k.Groups[0]) {
				t.Errorf("Check: %v, group_by %q", err, f.GroupBy)
			}
		})
	}
	if _, err := Lookup("nope"); finance.ErrorCode(err) != finance.ENotFound {
		t.Errorf("Lookup(nope): %v", err)
	}
}
