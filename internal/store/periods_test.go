package store_test

import (
	"testing"
	"time"

	"pilar/internal/finance"
	"pilar/internal/report"
)

// TestReportService_PeriodsAtYearEdges: the month and quarter rows of a
// 2021 report are exactly 2021's twelve months (four quarters), zeros
// included; an approval before the year counts in January, one after it
// (today, 2026) in December, and a payment after the year in December.
func TestReportService_PeriodsAtYearEdges(t *testing.T) {
	t.Parallel()
	f := newFlagWorld(t)
	p, err := f.Store.CreateProgram(f.Ctx(f.Admin), finance.ProgramInput{
		Code: ptr("BPUM-2021"), Name: ptr("BPUM 2021"), Kind: ptr("grant"), FundingSource: ptr("APBN"),
		Agency: ptr(f.Agency.Code), FiscalYear: ptr(2021), Budget: raw("10000000"),
		StartsOn: ptr("2021-01-01"), EndsOn: ptr("2021-12-31"),
	})
	if err != nil {
		t.Fatal(err)
	}
	at := func(day string) func() time.Time {
		d, _ := time.Parse("2006-01-02", day)
		return func() time.Time { return d.Add(9 * time.Hour) }
	}
	clock := f.Store.Now
	defer func() { f.Store.Now = clock }()
	approve := func(amount, on, approvedOn string) *finance.Disbursement {
		d := f.act(f.Officer, f.draft(p, f.recipient(nil), amount, on), "submit", finance.ActionInput{})
		f.Store.Now = at(approvedOn)
		defer func() { f.Store.Now = clock }()
		return f.act(f.Reviewer, d, "approve", finance.ActionInput{OverrideReason: ptr("year-edge fixture")})
	}
	early := approve("1000000", "2021-01-04", "2020-12-28") // approved before the year
	approve("2000000", "2021-12-30", "2026-12-01")          // approved after it
	july := approve("3000000", "2021-07-01", "2021-07-02")  // inside
	f.act(f.Reviewer, early, "pay", finance.ActionInput{PaidOn: ptr("2021-01-05")})
	f.act(f.Reviewer, july, "pay", finance.ActionInput{PaidOn: ptr("2022-01-10")}) // paid after the year

	for _, tc := range []struct {
		groupBy   string
		keys      int
		committed map[string]string
		realized  map[string]string
	}{
		{"month", 12, map[string]string{"2021-01": "1000000.00", "2021-07": "3000000.00", "2021-12": "2000000.00"},
			map[string]string{"2021-01": "1000000.00", "2021-12": "3000000.00"}},
		{"quarter", 4, map[string]string{"2021-Q1": "1000000.00", "2021-Q3": "3000000.00", "2021-Q4": "2000000.00"},
			map[string]string{"2021-Q1": "1000000.00", "2021-Q4": "3000000.00"}},
	} {
		t.Run(tc.groupBy, func(t *testing.T) {
			rep, err := f.Store.Realization(f.Ctx(f.Auditor), report.Filter{Year: 2021, GroupBy: tc.groupBy})
			if err != nil {
				t.Fatal(err)
			}
			want := report.Periods(tc.groupBy, 2021)
			if len(rep.Rows) != tc.keys || len(want) != tc.keys {
				t.Fatalf("%d rows; want %d", len(rep.Rows), tc.keys)
			}
			for i, r := range rep.Rows {
				c, ok := tc.committed[r.Key]
				if !ok {
					c = "0.00"
				}
				z, ok := tc.realized[r.Key]
				if !ok {
					z = "0.00"
				}
				if r.Key != want[i] || r.Committed.String() != c || r.Realized.String() != z {
					t.Errorf("row %d %s: committed %s realized %s; want %s %s %s", i, r.Key, r.Committed, r.Realized, want[i], c, z)
				}
			}
			if last := rep.Rows[len(rep.Rows)-1]; last.OverUnder.String() != "-6000000.00" {
				t.Errorf("last period's over_under %s; want realized to date - budget = -6000000.00", last.OverUnder)
			}
			if rep.Totals.Committed.String() != "6000000.00" || rep.Totals.Realized.String() != "4000000.00" || rep.Totals.OverUnder.String() != "-6000000.00" {
				t.Errorf("totals %+v", rep.Totals)
			}
		})
	}
}

func TestPeriodOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ groupBy, month, want string }{
		{"month", "2020-12", "2021-01"}, {"month", "2021-01", "2021-01"}, {"month", "2021-12", "2021-12"},
		{"month", "2022-01", "2021-12"}, {"month", "", "2021-12"}, {"month", "2021-1", "2021-12"},
		{"quarter", "2020-11", "2021-Q1"}, {"quarter", "2021-03", "2021-Q1"}, {"quarter", "2021-04", "2021-Q2"},
		{"quarter", "2021-12", "2021-Q4"}, {"quarter", "2026-12", "2021-Q4"},
	} {
		if got := report.PeriodOf(tc.groupBy, 2021, tc.month); got != tc.want {
			t.Errorf("PeriodOf(%s, 2021, %q) = %s; want %s", tc.groupBy, tc.month, got, tc.want)
		}
	}
}
