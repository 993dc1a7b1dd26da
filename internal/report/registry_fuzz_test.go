package report_test

import (
	"testing"
	"time"

	"pilar/internal/report"
)

// FuzzAsOfDates: an as_of is refused or gives a date and the same day a
// year earlier (at most 366 days before), never a panic.
func FuzzAsOfDates(f *testing.F) {
	for _, s := range []string{"", "2024-02-29", "2023-12-31", "2024-13-01", "0000-01-01", "9999-12-31", "2024-2-3"} {
		f.Add(s)
	}
	now := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		asOf, prev, err := report.AsOfDates(report.Filter{AsOf: s}, now)
		if err != nil {
			return
		}
		if d := asOf.Sub(prev).Hours() / 24; d < 365 || d > 366 || asOf.Year()-prev.Year() != 1 {
			t.Fatalf("%q: %s -> %s", s, asOf, prev)
		}
	})
}
