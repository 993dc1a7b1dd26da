// Package benchgen writes the data set of pilar-bench: programs, recipients,
// disbursements and bank statements in the formats of FORMATS.md, at any
// size, the same bytes for the same size and seed, with the truth of every
// statement line so that a reconciliation can be scored.
package benchgen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pilar/internal/recon/scalegen"
)

// Agency is one of the five Kalimantan provincial offices of the set.
type Agency struct{ Code, Name, Region string }

// Agencies are the offices owning the programs, one per province.
var Agencies = []Agency{
	{"DKUMKM-KALBAR", "Dinas Koperasi dan UKM Kalimantan Barat", "61"},
	{"DKUMKM-KALTENG", "Dinas Koperasi dan UKM Kalimantan Tengah", "62"},
	{"DKUMKM-KALSEL", "Dinas Koperasi dan UKM Kalimantan Selatan", "63"},
	{"DKUMKM-KALTIM", "Dinas Koperasi dan UKM Kalimantan Timur", "64"},
	{"DKUMKM-KALTARA", "Dinas Koperasi dan UKM Kalimantan Utara", "65"},
}

// Program is one program of the set, to be created through the store
// before the files are imported.
type Program struct {
	Code, Name, Kind, FundingSource, Agency string
	Year                                    int
	BudgetSen                               int64
	Target                                  int
	StartsOn, EndsOn                        string
	EligibleSizeClasses                     []string
}

// Statement is one bank statement file (CSV, FORMATS.md's default
// columns) of one agency's paying account.
type Statement struct {
	Agency, Account, Path string
	// Truth is, per line in file order, the payment_ref of the disbursement
	// the line pays, or "" for a line paying none of them.
	Truth []string
	// Matchable says which lines carry what a matcher can go by (a
	// reference, exact or mangled, or the counterparty account) and the
	// disbursement's exact amount: the lines recall is counted over.
	Matchable []bool
}

// Set is what Generate wrote.
type Set struct {
	N                 int
	Programs          []Program
	RecipientsPath    string
	DisbursementsPath string
	Statements        []Statement
	Recipients        int // rows in recipients.csv
	RepeatedNIKs      int // of them, rows repeating an earlier row's NIK (skipped on import)
	Paid              int // disbursements with paid_on (all of them)
	Missing           int // paid disbursements no statement line pays
}

// regions are the kabupaten/kota of the five provinces recipients live in.
var regions = []string{
	"61.01", "61.04", "61.06", "61.12", "61.71", "62.01", "62.02", "62.03", "62.71",
	"63.01", "63.03", "63.09", "63.71", "63.72", "64.01", "64.02", "64.03", "64.04", "64.05",
	"64.71", "64.72", "64.74", "65.01", "65.02", "65.04", "65.71",
}

var (
	kinds    = []string{"grant", "training", "certification", "in_kind"}
	funds    = []string{"APBN", "PEN", "APBD_PROV", "APBD_KAB", "DAK", "BI", "CSR"}
	sectors  = []string{"kuliner", "kriya", "fesyen", "perdagangan", "pertanian", "perikanan", "jasa"}
	sizes    = []string{"mikro", "mikro", "mikro", "kecil", "menengah"}
	nameHead = []string{"Amplang", "Kerupuk", "Tenun", "Batik Sasirangan", "Kopi", "Madu Kelulut", "Anyaman Rotan", "Ikan Asin", "Kue Bingka", "Sarung Samarinda"}
	nameTail = []string{"Bu Siti", "Pak Rahmat", "Mandiri", "Berkah", "Jaya", "Sejahtera", "Lestari", "Barokah"}
	// amounts in sen: BPUM's Rp2.400.000 most of all.
	amounts = []int64{240000000, 240000000, 240000000, 240000000, 120000000, 500000000, 175000000, 1000000000}
)

// Seed is pilar-bench's default seed.
const Seed = 16

// Generate writes recipients.csv, disbursements.csv and one statement per
// agency into dir for n disbursements: 50 programs over four years, n/3
// recipient rows with valid NIKs (a few repeated on purpose), every
// disbursement paid (paid_on and payment_ref, for a historical import),
// and the bank's lines: most mirror a payment 0-3 days later with the
// exact reference, some mangled, blank, with a fee deducted, or unrelated,
// and some payments have no line. Errors: those of writing the files.
func Generate(dir string, n int, seed uint64) (*Set, error) {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	set := &Set{N: n, RecipientsPath: filepath.Join(dir, "recipients.csv"), DisbursementsPath: filepath.Join(dir, "disbursements.csv")}
	for i := range 50 {
		year := 2022 + i%4
		a := Agencies[i%len(Agencies)]
		p := Program{
			Code: fmt.Sprintf("%s-%02d-%d", funds[i%len(funds)], i+1, year), Kind: kinds[i%len(kinds)], FundingSource: funds[i%len(funds)],
			Agency: a.Code, Year: year, Target: n/50 + 1, StartsOn: fmt.Sprintf("%d-01-01", year), EndsOn: fmt.Sprintf("%d-12-31", year),
			BudgetSen: int64(n/50+1) * 240000000 * 11 / 10,
		}
		p.Name = "Bantuan " + p.Kind + " " + p.Code
		if i%10 == 9 {
			p.EligibleSizeClasses = []string{"mikro"}
		}
		set.Programs = append(set.Programs, p)
	}
	// Recipients.
	nRec := max(n/3, 1)
	// first is the row of the first recipient with a row's NIK: the
	// recipient a repeated row resolves to.
	type recipient struct {
		nik, account string
		first        int
	}
	recs := make([]recipient, 0, nRec)
	repeatEvery := min(997, nRec/2+1)
	seen := map[string]bool{}
	rf, err := newCSV(set.RecipientsPath, "kind,name,owner_name,nik,nib,npwp,sector,size_class,region_code,address,phone,bank_code,account_no,account_holder")
	if err != nil {
		return nil, err
	}
	for i := range nRec {
		reg := regions[r.IntN(len(regions))]
		var nik string
		first := i
		if i > 10 && i%repeatEvery == 7 { // a repeated NIK: the import skips it
			first = recs[r.IntN(len(recs))].first
			nik = recs[first].nik
			set.RepeatedNIKs++
		} else {
			for nik == "" || seen[nik] {
				day := 1 + r.IntN(28)
				if r.IntN(2) == 0 {
					day += 40
				}
				nik = fmt.Sprintf("%s%02d%02d%02d%02d%04d", strings.ReplaceAll(reg, ".", ""), 1+r.IntN(9), day, 1+r.IntN(12), 60+r.IntN(40), 1+r.IntN(9999))
			}
			seen[nik] = true
		}
		account := fmt.Sprintf("%010d", 1000000000+i)
		if i > 10 && i%2000 == 3 { // an account shared with another recipient
			account = recs[r.IntN(len(recs))].account
		}
		name := fmt.Sprintf("%s %s %d", nameHead[r.IntN(len(nameHead))], nameTail[r.IntN(len(nameTail))], i+1)
		rf.Write([]string{"umkm", name, "Pemilik " + name, nik, "", "", sectors[r.IntN(len(sectors))], sizes[r.IntN(len(sizes))], reg,
			"Jl. Pahlawan No. " + fmt.Sprint(1+r.IntN(200)), fmt.Sprintf("0812%08d", r.IntN(100000000)), "BPD-KALTIM", account, name})
		recs = append(recs, recipient{nik, account, first})
		set.Recipients++
	}
	if err := rf.close(); err != nil {
		return nil, err
	}
	// Disbursements: recipient i%R gets its k-th payment (k = i/R) from a
	// program that differs for each k; tranche 2 after 50 of them.
	df, err := newCSV(set.DisbursementsPath, "program_code,recipient_nik,amount,disbursed_on,tranche,form,payment_ref,note,paid_on")
	if err != nil {
		return nil, err
	}
	type payment struct {
		ref, account, paidOn string
		sen                  int64
	}
	byAgency := map[string][]payment{}
	used := map[[3]int]bool{}
	for i := range n {
		ri, k := i%nRec, i/nRec
		rc := recs[ri]
		pi, tranche := (ri*7+k*13)%50, 1+k/50
		for used[[3]int{pi, rc.first, tranche}] { // a repeated NIK is one recipient
			tranche++
		}
		used[[3]int{pi, rc.first, tranche}] = true
		p := set.Programs[pi]
		sen := amounts[r.IntN(len(amounts))]
		if r.IntN(10) == 0 {
			sen = int64(10000000+r.IntN(990000000)) + int64(r.IntN(100)) // odd cents
		}
		start := time.Date(p.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		on := start.AddDate(0, 0, r.IntN(330))
		paid := on.AddDate(0, 0, r.IntN(20))
		ref := fmt.Sprintf("SP2D-%d-%07d", p.Year, i+1)
		amount := plainAmount(sen)
		if i%3 == 0 {
			amount = indonesianAmount(sen)
		}
		df.Write([]string{p.Code, rc.nik, amount, on.Format(time.DateOnly), fmt.Sprint(tranche), "transfer", ref, "", paid.Format(time.DateOnly)})
		byAgency[p.Agency] = append(byAgency[p.Agency], payment{ref, recs[rc.first].account, paid.Format(time.DateOnly), sen})
		set.Paid++
	}
	if err := df.close(); err != nil {
		return nil, err
	}
	// Statements, one per agency, lines in the bank's (shuffled) order.
	for ai, a := range Agencies {
		st := Statement{Agency: a.Code, Account: fmt.Sprintf("0%02d1234567", ai+1), Path: filepath.Join(dir, "statement-"+a.Code+".csv")}
		type line struct {
			cells     []string
			truth     string
			matchable bool
		}
		var lines []line
		for _, p := range byAgency[a.Code] {
			d, _ := time.Parse(time.DateOnly, p.paidOn)
			date := d.AddDate(0, 0, r.IntN(4)).Format(time.DateOnly)
			l := line{truth: p.ref, matchable: true}
			out := p.sen
			ref, acct, desc := p.ref, p.account, "BANTUAN UMKM"
			switch x := r.IntN(100); {
			case x < 88:
			case x < 92:
				ref = scalegen.Mangle(uint8(r.IntN(4)), p.ref)
			case x < 95:
				ref = ""
			case x < 96:
				ref, acct, l.matchable = "", "", false
			case x < 98:
				out, l.matchable = p.sen-250000, false // BI-FAST fee Rp2.500 deducted from the transfer
			default:
				set.Missing++
				continue
			}
			l.cells = []string{date, "-" + plainAmount(out), ref, acct, "PENERIMA", desc}
			lines = append(lines, l)
		}
		for range len(byAgency[a.Code])/100 + 1 {
			day := time.Date(2022+r.IntN(4), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(360))
			lines = append(lines, line{cells: []string{day.Format(time.DateOnly), "-" + plainAmount(int64(1000+r.IntN(50000))*100), "", "", "", "BIAYA ADMIN"}})
		}
		r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
		sf, err := newCSV(st.Path, "booking_date,amount,reference,counterparty_account,counterparty_name,description")
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			sf.Write(l.cells)
			st.Truth = append(st.Truth, l.truth)
			st.Matchable = append(st.Matchable, l.matchable)
		}
		if err := sf.close(); err != nil {
			return nil, err
		}
		set.Statements = append(set.Statements, st)
	}
	return set, nil
}

func plainAmount(sen int64) string { return fmt.Sprintf("%d.%02d", sen/100, sen%100) }

// indonesianAmount writes sen as a spreadsheet in Indonesia does: 2.400.000 or 1.234.567,89.
func indonesianAmount(sen int64) string {
	s := fmt.Sprint(sen / 100)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if sen%100 != 0 {
		fmt.Fprintf(&b, ",%02d", sen%100)
	}
	return b.String()
}

type csvFile struct {
	f  *os.File
	bw *bufio.Writer
	*csv.Writer
}

func newCSV(path, header string) (*csvFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	c := &csvFile{f, bw, csv.NewWriter(bw)}
	c.Write(strings.Split(header, ","))
	return c, nil
}

func (c *csvFile) close() error {
	c.Flush()
	if err := c.Error(); err != nil {
		c.f.Close()
		return err
	}
	if err := c.bw.Flush(); err != nil {
		c.f.Close()
		return err
	}
	return c.f.Close()
}
