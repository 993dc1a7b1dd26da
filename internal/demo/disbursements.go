package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"pilar/internal/finance"
	"pilar/internal/store"
)

// userOf is the demo user of the role at the agency (the admin if none).
func userOf(agency, role string) string {
	for _, u := range Users {
		if u.Agency == agency && u.Role == role {
			return u.Email
		}
	}
	return Users[0].Email
}

// actingAs returns ctx acting as the demo user with email.
func actingAs(ctx context.Context, s *store.Store, email string) (context.Context, error) {
	u, err := s.FindUserByEmail(ctx, email)
	if err != nil {
		return nil, fmt.Errorf("demo user %s: %w", email, err)
	}
	return finance.WithActor(ctx, u.Actor()), nil
}

// loadDisbursements records, for each active program, disbursements to
// eligible recipients of its province, recorded by the agency's officer,
// then moves them through the life cycle.
func loadDisbursements(ctx context.Context, s *store.Store, recipients []demoRecipient) (int, error) {
	added := 0
	for pi, p := range programs {
		if p.status != "active" {
			continue
		}
		octx, err := actingAs(ctx, s, userOf(p.agency, finance.RoleOfficer))
		if err != nil {
			return added, err
		}
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
			// A rejected or cancelled one frees its tranche; it still counts as there.
			found, _, err := s.FindDisbursements(octx, finance.DisbursementFilter{Program: p.code, RecipientID: r.id, Page: finance.Page{Limit: 1}})
			if err != nil || len(found) > 0 {
				if err != nil {
					return added, err
				}
				continue
			}
			tranche := 1
			ref := fmt.Sprintf("TRX%d%05d", p.year, pi*1000+n)
			if _, err := s.CreateDisbursement(octx, finance.DisbursementInput{
				Program: &p.code, RecipientID: &r.id, Amount: raw(amount), Tranche: &tranche, Form: &form,
				DisbursedOn: &date, PaymentRef: &ref, Loan: loanOf(p, date, n),
			}); err != nil {
				return added, fmt.Errorf("demo disbursement %s to %d: %w", p.code, r.id, err)
			}
			added++
		}
		if err := advance(ctx, s, p, octx); err != nil {
			return added, err
		}
	}
	return added, nil
}

// fates are where the demo's disbursements end, in turn: most paid, some
// still waiting at each step, a few returned, rejected or cancelled.
var fates = []finance.Status{
	finance.StatusPaid, finance.StatusSubmitted, finance.StatusPaid, finance.StatusApproved, finance.StatusPaid,
	finance.StatusReturned, finance.StatusDraft, finance.StatusPaid, finance.StatusRejected, finance.StatusCancelled,
}

// path is the actions that bring a draft to each fate.
var path = map[finance.Status][]string{
	finance.StatusDraft:     nil,
	finance.StatusSubmitted: {finance.ActionSubmit},
	finance.StatusApproved:  {finance.ActionSubmit, finance.ActionApprove},
	finance.StatusPaid:      {finance.ActionSubmit, finance.ActionApprove, finance.ActionPay},
	finance.StatusReturned:  {finance.ActionSubmit, finance.ActionApprove, finance.ActionPay, finance.ActionReturn},
	finance.StatusRejected:  {finance.ActionSubmit, finance.ActionReject},
	finance.StatusCancelled: {finance.ActionCancel},
}

// advance moves each draft of the program towards its fate: the officer
// submits, pays, records returns and cancels; the agency's reviewer
// approves and rejects, so four eyes hold. Only drafts move, so a second
// run changes nothing; an approval refused over budget stays submitted.
func advance(ctx context.Context, s *store.Store, p program, octx context.Context) error {
	rctx, err := actingAs(ctx, s, userOf(p.agency, finance.RoleReviewer))
	if err != nil {
		return err
	}
	ds, _, err := s.FindDisbursements(octx, finance.DisbursementFilter{Program: p.code, Page: finance.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	// The demo tells history: each step is taken on the disbursement's own
	// date, so approvals and payments fall in the program's fiscal year.
	clock := s.Now
	defer func() { s.Now = clock }()
	for i, d := range ds {
		if d.Status != finance.StatusDraft {
			continue
		}
		day, err := time.Parse("2006-01-02", d.DisbursedOn)
		if err != nil {
			return err
		}
		s.Now = func() time.Time { return day.Add(9 * time.Hour) }
		for _, action := range path[fates[i%len(fates)]] {
			actx := octx
			if action == finance.ActionApprove || action == finance.ActionReject {
				actx = rctx
			}
			// The demo's red flags are there to be seen; the reviewer approves them knowingly.
			override, reason := "Diperiksa: data demo", "Dokumen pendukung belum lengkap"
			in := finance.ActionInput{PaidOn: &d.DisbursedOn, ReturnedOn: &d.DisbursedOn, OverrideReason: &override}
			if action == finance.ActionReject {
				in.Reason = &reason
			}
			_, err := s.ActOnDisbursement(actx, d.ID, action, in)
			if finance.ErrorCode(err) == finance.EBudgetExceeded {
				break
			}
			if err != nil {
				return fmt.Errorf("demo %s disbursement %d: %w", action, d.ID, err)
			}
		}
	}
	return nil
}
