package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/store"
)

func raw(s string) *money.Raw { r := money.Raw(s); return &r }

// RecipientCount is how many synthetic recipients the demo registers.
const RecipientCount = 300

// demoRecipient is a recipient with the province its NIK says.
type demoRecipient struct {
	id       int64
	province string
	size     string
}

// syntheticRecipient builds the i-th recipient; the same i always gives the
// same recipient, which is what makes loading idempotent.
func syntheticRecipient(i int) finance.RecipientInput {
	rng := rand.New(rand.NewPCG(2024, uint64(i)))
	provinces := []string{"64", "64", "65", "65", "62"}
	prov := provinces[i%len(provinces)]
	district := districts[prov][rng.IntN(len(districts[prov]))]
	female := rng.IntN(2) == 0
	day := 1 + rng.IntN(28)
	if female {
		day += 40
	}
	nik := fmt.Sprintf("%s%02d%02d%02d%04d", strings.ReplaceAll(district, ".", ""), day, 1+rng.IntN(12), 60+rng.IntN(40), 1+i)
	owner := firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
	sec := sectors[rng.IntN(len(sectors))]
	kind := "umkm"
	if i%10 == 9 {
		kind = "koperasi"
	}
	in := finance.RecipientInput{
		Kind: &kind, OwnerName: &owner, NIK: &nik, Sector: &sec.sector,
		RegionCode: ptr(district[:2] + "." + district[2:4]),
		Address:    ptr(fmt.Sprintf("Jl. %s No. %d", []string{"Pahlawan", "Merdeka", "Ahmad Yani", "Diponegoro", "Cilik Riwut", "Yos Sudarso"}[rng.IntN(6)], 1+rng.IntN(200))),
		Phone:      ptr(fmt.Sprintf("08%d%08d", 11+rng.IntN(9), rng.IntN(100000000))),
		BankCode:   ptr(banks[rng.IntN(len(banks))]),
		AccountNo:  ptr(fmt.Sprintf("%010d", rng.Int64N(10000000000))),
	}
	in.AccountHolder = &owner
	in.ValidFrom = ptr("2019-01-01") // registered before the years the registry statistics cover
	// Capital up to Rp12 miliar, skewed small: most are mikro, as in Kaltara's 12.459 / 7.876 / 678.
	capital := []int64{50_000_000, 250_000_000, 800_000_000, 2_500_000_000, 7_000_000_000}[[]int{0, 0, 1, 1, 2, 2, 3, 4}[rng.IntN(8)]]
	in.Capital = raw(fmt.Sprint(capital + rng.Int64N(capital/5)))
	if rng.IntN(3) > 0 {
		in.NIB = ptr(fmt.Sprintf("91200%08d", 10000000+i))
	}
	if kind == "koperasi" {
		name := fmt.Sprintf("Koperasi %s %s", []string{"Produsen", "Serba Usaha", "Simpan Pinjam", "Nelayan"}[rng.IntN(4)], lastNames[rng.IntN(len(lastNames))])
		in.Name = &name
		in.LegalNumber = ptr(fmt.Sprintf("AHU-%07d.AH.01.26.TAHUN %d", 1000+i, 2010+rng.IntN(14)))
		members := 20 + rng.IntN(400)
		rat := 2019 + rng.IntN(6)
		active := rng.IntN(3) > 0 // Kaltara: 461 of 713 koperasi active
		in.Members, in.LastRATYear, in.Active = &members, &rat, &active
	} else {
		name := fmt.Sprintf("%s %s", sec.business, strings.Fields(owner)[0])
		in.Name = &name
	}
	return in
}

func ptr(s string) *string { return &s }

func loadRecipients(ctx context.Context, s *store.Store) ([]demoRecipient, int, error) {
	out := make([]demoRecipient, 0, RecipientCount)
	added := 0
	for i := 0; i < RecipientCount; i++ {
		in := syntheticRecipient(i)
		found, _, err := s.FindRecipients(ctx, finance.RecipientFilter{NIK: *in.NIK, Kind: *in.Kind, Page: finance.Page{Limit: 1}})
		if err != nil {
			return out, added, err
		}
		r := (*finance.Recipient)(nil)
		if len(found) == 1 {
			r = found[0]
		} else if r, err = s.CreateRecipient(ctx, in); err != nil {
			return out, added, fmt.Errorf("demo recipient %d: %w", i, err)
		} else {
			added++
		}
		out = append(out, demoRecipient{id: r.ID, province: r.NIK[:2], size: r.SizeClass})
	}
	return out, added, nil
}
