// Package demo loads a demonstration data set drawn from the news articles
// Pilar grew from: the UMKM offices of Kalimantan Timur, Utara and Tengah,
// their real programs (PEN aid in Kaltim, DAK entrepreneurship training and
// certification in Kaltara, halal and NIB facilitation in Kalteng), a few
// hundred synthetic recipients with valid NIKs, and disbursements. Loading
// is idempotent: what exists already is left as it is.
package demo

import (
	"context"
	"fmt"

	"pilar/internal/finance"
	"pilar/internal/store"
)

// Password is the password of every demo user.
const Password = "pilar-demo-2024"

// Users are the demo accounts, by email.
var Users = []finance.UserInput{
	{Email: "admin@pilar.demo", Name: "Admin Pilar", Role: finance.RoleAdmin},
	{Email: "auditor@pilar.demo", Name: "Inspektorat Provinsi", Role: finance.RoleAuditor},
	{Email: "petugas.kaltim@pilar.demo", Name: "Rina Petugas Kaltim", Role: finance.RoleOfficer, Agency: "DISPERINDAGKOP-KALTIM"},
	{Email: "reviu.kaltim@pilar.demo", Name: "Budi Reviu Kaltim", Role: finance.RoleReviewer, Agency: "DISPERINDAGKOP-KALTIM"},
	{Email: "petugas.kaltara@pilar.demo", Name: "Sari Petugas Kaltara", Role: finance.RoleOfficer, Agency: "DISPERINDAGKOP-KALTARA"},
	{Email: "reviu.kaltara@pilar.demo", Name: "Andi Reviu Kaltara", Role: finance.RoleReviewer, Agency: "DISPERINDAGKOP-KALTARA"},
	{Email: "petugas.kalteng@pilar.demo", Name: "Dewi Petugas Kalteng", Role: finance.RoleOfficer, Agency: "DISKOPUKM-KALTENG"},
	{Email: "reviu.kalteng@pilar.demo", Name: "Yusuf Reviu Kalteng", Role: finance.RoleReviewer, Agency: "DISKOPUKM-KALTENG"},
}

var agencies = []finance.AgencyInput{
	agency("DISPERINDAGKOP-KALTIM", "Dinas Perindustrian, Perdagangan, Koperasi dan UKM Provinsi Kalimantan Timur", "64"),
	agency("DISPERINDAGKOP-KALTARA", "Dinas Perindustrian, Perdagangan, Koperasi dan UMKM Provinsi Kalimantan Utara", "65"),
	agency("DISKOPUKM-KALTENG", "Dinas Koperasi dan UKM Provinsi Kalimantan Tengah", "62"),
}

func agency(code, name, region string) finance.AgencyInput {
	return finance.AgencyInput{Code: &code, Name: &name, RegionCode: &region}
}

type program struct {
	code, name, kind, source, agency, region string
	year, target                             int
	budget, perRecipient                     string
	sizes                                    []string
	status                                   string
}

var programs = []program{
	{"PEN-KALTIM-2021", "Bantuan Pemulihan Ekonomi Nasional (PEN) untuk UMKM dan Koperasi Kaltim", "grant", "PEN", "DISPERINDAGKOP-KALTIM", "64", 2021, 187500, "450000000000", "2400000", []string{"mikro", "kecil"}, "active"},
	{"DAK-PK-2023", "Pelatihan Kewirausahaan dan Perkoperasian Kaltara 2023", "training", "DAK", "DISPERINDAGKOP-KALTARA", "65", 2023, 700, "2900000000", "", nil, "closed"},
	{"DAK-PK-2024", "Pelatihan Kewirausahaan dan Perkoperasian Kaltara 2024", "training", "DAK", "DISPERINDAGKOP-KALTARA", "65", 2024, 659, "2100000000", "", nil, "active"},
	{"SERT-KALTARA-2024", "Fasilitasi Standardisasi dan Sertifikasi Produk Usaha Kecil Kaltara", "certification", "APBD_PROV", "DISPERINDAGKOP-KALTARA", "65", 2024, 85, "850000000", "10000000", []string{"kecil"}, "active"},
	{"BI-KREDIT-KALTARA-2025", "Dukungan Kredit UMKM bersama Bank Indonesia Kaltara", "credit", "BI", "DISPERINDAGKOP-KALTARA", "65", 2025, 120, "6000000000", "", []string{"mikro", "kecil", "menengah"}, "active"},
	{"HALAL-KALTENG-2023", "Fasilitasi Sertifikat Halal dan NIB UMKM Kalimantan Tengah", "certification", "APBD_PROV", "DISKOPUKM-KALTENG", "62", 2023, 300, "1500000000", "3500000", []string{"mikro", "kecil"}, "active"},
	{"MODAL-KALTENG-2024", "Akses Permodalan UMKM Naik Kelas Kalimantan Tengah", "credit", "APBD_PROV", "DISKOPUKM-KALTENG", "62", 2024, 60, "3000000000", "", nil, "active"},
}

// districts are real regency and city codes with a district, per province.
var districts = map[string][]string{
	"64": {"6401.01", "6402.03", "6403.05", "6404.02", "6405.01", "6409.02", "6471.02", "6472.01", "6472.04", "6474.01"},
	"65": {"6501.01", "6502.01", "6502.04", "6503.01", "6504.02", "6571.01", "6571.03"},
	"62": {"6201.01", "6202.01", "6203.02", "6204.01", "6271.01", "6271.03"},
}

var (
	firstNames = []string{"Siti", "Ahmad", "Nur", "Muhammad", "Rahmawati", "Hendra", "Yuliana", "Agus", "Dewi", "Rudi", "Fitri", "Bambang", "Lestari", "Iwan", "Maria", "Yohanes", "Aisyah", "Slamet", "Wati", "Darmawan"}
	lastNames  = []string{"Rahman", "Hidayat", "Saputra", "Wulandari", "Pratama", "Simanjuntak", "Lumban", "Kusuma", "Nugroho", "Anggraini", "Dayak", "Banjar", "Setiawan", "Utami", "Syahputra"}
	sectors    = []struct{ sector, business string }{
		{"kuliner", "Warung Makan"}, {"kuliner", "Amplang"}, {"kriya", "Anyaman Rotan"}, {"kriya", "Tenun Ulap Doyo"},
		{"fesyen", "Batik Shasirangan"}, {"perdagangan", "Toko Kelontong"}, {"pertanian", "Kebun Lada"},
		{"perikanan", "Tambak Udang"}, {"perikanan", "Kerupuk Ikan"}, {"jasa", "Bengkel Motor"}, {"jasa", "Penjahit"},
		{"kuliner", "Kue Bingka"}, {"industri", "Gula Aren"}, {"kriya", "Manik Dayak"},
	}
	banks = []string{"BPD-KALTIMTARA", "BPD-KALTENG", "BRI", "BNI", "MANDIRI", "BSI"}
)

// Load adds the demo data set through the services, acting as the demo
// admin. It creates the demo users too, and returns how many records it added.
func Load(ctx context.Context, s *store.Store) (int, error) {
	added := 0
	adminIn := Users[0]
	adminIn.Password = Password
	admin, err := s.FindUserByEmail(ctx, adminIn.Email)
	if finance.ErrorCode(err) == finance.ENotFound {
		admin, err = s.CreateUser(finance.WithActor(ctx, finance.System), adminIn)
		added++
	}
	if err != nil {
		return added, fmt.Errorf("demo admin: %w", err)
	}
	actx := finance.WithActor(ctx, admin.Actor())
	for _, a := range agencies {
		n, err := created(s.CreateAgency(actx, a))
		if err != nil {
			return added, fmt.Errorf("demo agency %s: %w", *a.Code, err)
		}
		added += n
	}
	for _, u := range Users[1:] {
		u.Password = Password
		n, err := created(s.CreateUser(actx, u))
		if err != nil {
			return added, fmt.Errorf("demo user %s: %w", u.Email, err)
		}
		added += n
	}
	for _, p := range programs {
		n, err := created(s.CreateProgram(actx, p.input()))
		if err != nil {
			return added, fmt.Errorf("demo program %s: %w", p.code, err)
		}
		added += n
	}
	recipients, n, err := loadRecipients(actx, s)
	added += n
	if err != nil {
		return added, err
	}
	n, err = loadDisbursements(ctx, s, recipients)
	added += n
	if err != nil {
		return added, err
	}
	n, err = loadRepayments(ctx, s)
	added += n
	if err != nil {
		return added, err
	}
	n, err = loadRegistry(actx, s)
	return added + n, err
}

// created counts a record as added, and one that exists already as none.
func created[T any](_ T, err error) (int, error) {
	switch finance.ErrorCode(err) {
	case "":
		return 1, nil
	case finance.EDuplicate:
		return 0, nil
	}
	return 0, err
}

func (p program) input() finance.ProgramInput {
	year := p.year
	target := p.target
	starts, ends := fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year)
	in := finance.ProgramInput{
		Code: &p.code, Name: &p.name, Kind: &p.kind, FundingSource: &p.source, Agency: &p.agency,
		FiscalYear: &year, Budget: raw(p.budget), TargetRecipients: &target, RegionCode: &p.region,
		StartsOn: &starts, EndsOn: &ends, Status: &p.status,
	}
	if p.sizes != nil {
		in.EligibleSizeClasses = &p.sizes
	}
	if p.perRecipient != "" {
		in.AmountPerRecipient = raw(p.perRecipient)
	}
	if c, ok := creditTerms[p.code]; ok {
		in.ScheduleKind, in.SubsidyRate, in.Revolving = &c.schedule, raw(c.subsidy), &c.revolving
	}
	return in
}
