package report

import (
	"fmt"
	"testing"

	"pilar/internal/finance"
	"pilar/internal/money"
)

// BenchmarkBuildCredit computes the credit report of 1,000 loans of 24
// months, each repaid 12 times, two years after they were lent: per loan,
// its position and the subsidy of every day (docs/BENCHMARKS.md).
func BenchmarkBuildCredit(b *testing.B) {
	const n = 1000
	loans := make([]CreditLoan, n)
	for i := range loans {
		t := finance.LoanTerms{Principal: money.FromSen(int64(500_000_000 + i*1000)), TenorMonths: 24, InterestRate: finance.RateFromBP(600),
			SubsidyRate: finance.RateFromBP(600), Kind: finance.ScheduleAnnuity, FirstDueOn: "2024-02-10", StartOn: "2024-01-10"}
		var reps []finance.Repayment
		for k, in := range finance.Schedule(t)[:12] {
			reps = append(reps, finance.Repayment{ID: int64(k), PaidOn: in.DueOn, Amount: in.Total})
		}
		loans[i] = CreditLoan{Program: fmt.Sprint("P", i%5), RegionCode: "65.71", Terms: t, Repayments: reps}
	}
	programs := []CreditProgram{{Code: "P0"}, {Code: "P1"}, {Code: "P2"}, {Code: "P3"}, {Code: "P4"}}
	// The raw limit: the two schedules per loan any report must compute
	// (one for the position, one for the subsidy), nothing else.
	b.Run("Schedules", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range loans {
				finance.Schedule(l.Terms)
				finance.Schedule(l.Terms)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n/1000, "µs/loan")
	})
	b.Run("Report", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := BuildCredit(Filter{Year: 2024, GroupBy: "program"}, "2026-01-10", "", programs, loans)
			if c.Totals.Loans != n {
				b.Fatal(c.Totals)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n/1000, "µs/loan")
	})
}
