package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"pilar/internal/finance"
	"pilar/internal/store"
)

// officerOf is the demo officer who records a program's disbursements.
func officerOf(agency string) string {
	for _, u := range Users {
		if u.Agency == agency && u.Role == finance.RoleOfficer {
			return u.Email
		}
	}
	return Users[0].Email
}

// loadDisbursements records, for each active program, disbursements to
// eligible recipients of its province, recorded by the agency's officer.
func loadDisbursements(ctx context.Context, s *store.Store, recipients []demoRecipient) (int, error) {
	added := 0
	for pi, p := range programs {
		if p.status != "active" {
			continue
		}
		officer, err := s.FindUserByEmail(ctx, officerOf(p.agency))
		if err != nil {
			return added, err
		}
		octx := finance.WithActor(ctx, officer.Actor())
		rng := rand.New(rand.NewPCG(7, uint64(pi)))
		n := 0
		for _, r := range recipients {
			if r.province != p.region || (p.sizes != nil && !slices.Contains(p.sizes, r.size)) || n >= 40 {
				continue
			}
			n++
			amount := p.perRecipient
			form := "transfer"
			switch {
			case p.kind == "training":
				amount, form = "3185000", "training_seat"
			case amount == "":
				amount = fmt.Sprint((5 + rng.IntN(30)) * 5_000_000)
			}
			date := fmt.Sprintf("%d-%02d-%02d", p.year, 2+rng.IntN(9), 1+rng.IntN(28))
			tranche := 1
			ref := fmt.Sprintf("TRX%d%05d", p.year, pi*1000+n)
			_, err := s.CreateDisbursement(octx, finance.DisbursementInput{
				Program: &p.code, RecipientID: &r.id, Amount: raw(amount), Tranche: &tranche, Form: &form,
				DisbursedOn: &date, PaymentRef: &ref,
			})
			k, err := created(0, err)
			if err != nil {
				return added, fmt.Errorf("demo disbursement %s to %d: %w", p.code, r.id, err)
			}
			added += k
		}
	}
	return added, nil
}
