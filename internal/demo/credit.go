package demo

import (
	"context"
	"fmt"
	"time"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/store"
)

// credit is how a demo credit program lends: its schedule kind, interest
// subsidy and whether it revolves, and its loans' tenor and rate.
type credit struct {
	schedule, subsidy string
	revolving         bool
	tenors            []int
	rate              string
}

// creditTerms: Bank Indonesia's credit support in Kaltara works like KUR
// (6 % a year, the program subsidising 6 % on top, annuity); Kalteng's
// capital access is a provincial revolving fund (dana bergulir) at a flat 3 %.
var creditTerms = map[string]credit{
	"BI-KREDIT-KALTARA-2025": {schedule: finance.ScheduleAnnuity, subsidy: "6", tenors: []int{12, 24, 36}, rate: "6"},
	"MODAL-KALTENG-2024":     {schedule: finance.ScheduleFlat, subsidy: "0", revolving: true, tenors: []int{12, 18}, rate: "3"},
}

// loanOf is the loan terms of the n-th demo disbursement of p on date,
// first due a month later; nil when p does not lend.
func loanOf(p program, date string, n int) *finance.LoanInput {
	c, ok := creditTerms[p.code]
	if !ok {
		return nil
	}
	d, _ := time.Parse("2006-01-02", date)
	tenor, first, rate := c.tenors[n%len(c.tenors)], d.AddDate(0, 1, 0).Format("2006-01-02"), money.Raw(c.rate)
	return &finance.LoanInput{TenorMonths: &tenor, InterestRate: &rate, FirstDueOn: &first}
}

// loanFates are how the demo's paid loans are repaid, in turn: on time to
// today, repaid early after three instalments, three instalments and then
// nothing (it becomes macet), and one more on time.
var loanFates = []string{"on_time", "early", "stopped", "on_time"}

// loadRepayments records, for each paid demo loan without repayments yet,
// its instalments as its fate says, as the agency's officer; a second run
// changes nothing.
func loadRepayments(ctx context.Context, s *store.Store) (int, error) {
	added := 0
	today := s.Now().In(s.Loc).Format("2006-01-02")
	for _, p := range programs {
		if _, ok := creditTerms[p.code]; !ok {
			continue
		}
		octx, err := actingAs(ctx, s, userOf(p.agency, finance.RoleOfficer))
		if err != nil {
			return added, err
		}
		ds, _, err := s.FindDisbursements(octx, finance.DisbursementFilter{Program: p.code, Status: finance.StatusPaid, Page: finance.Page{Limit: 1000}})
		if err != nil {
			return added, err
		}
		for i, d := range ds {
			v, err := s.FindSchedule(octx, d.ID)
			if err != nil || len(v.Repayments) > 0 {
				if finance.ErrorCode(err) == finance.ENotFound {
					continue
				}
				if err != nil {
					return added, err
				}
				continue
			}
			fate := loanFates[i%len(loanFates)]
			for k, in := range v.Schedule {
				if in.DueOn > today || (fate != "on_time" && k == 3) {
					break
				}
				amount := in.Total
				if fate == "early" && k == 2 && k+1 < len(v.Schedule) {
					// Paid off: this instalment, the next one's interest and the principal left.
					amount = in.Total.Add(v.Schedule[k+1].Interest).Add(in.Balance)
				}
				ref := fmt.Sprintf("ANGS-%d-%02d", d.ID, k+1)
				paid, raw := in.DueOn, money.Raw(amount.String())
				if _, err := s.RecordRepayment(octx, d.ID, finance.RepaymentInput{PaidOn: &paid, Amount: &raw, Reference: &ref}); err != nil {
					return added, fmt.Errorf("demo repayment on loan %d: %w", d.ID, err)
				}
				added++
			}
		}
	}
	return added, nil
}
