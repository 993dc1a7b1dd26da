package recon

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func readFile(t *testing.T, format, name string, opt Options) ([]*Statement, error) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Read(format, f, opt)
}

func mustRead(t *testing.T, format, name string, opt Options) []*Statement {
	t.Helper()
	sts, err := readFile(t, format, name, opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return sts
}

type wantLine struct {
	date, amount, ref, acct, name string
}

func checkLines(t *testing.T, st *Statement, want []wantLine) {
	t.Helper()
	if len(st.Lines) != len(want) {
		for _, l := range st.Lines {
			t.Logf("%+v", l)
		}
		t.Fatalf("%d lines, want %d (problems %v)", len(st.Lines), len(want), st.Problems)
	}
	for i, w := range want {
		l := st.Lines[i]
		if l.BookingDate != w.date || l.Amount().String() != w.amount || l.Reference != w.ref ||
			(w.acct != "" && l.CounterpartyAccount != w.acct) || (w.name != "" && l.CounterpartyName != w.name) {
			t.Errorf("line %d = %s %s %q %q %q, want %+v", i, l.BookingDate, l.Amount(), l.Reference, l.CounterpartyAccount, l.CounterpartyName, w)
		}
	}
}

func checkProblems(t *testing.T, st *Statement, lines ...int) {
	t.Helper()
	if len(st.Problems) != len(lines) {
		t.Fatalf("problems %v, want on lines %v", st.Problems, lines)
	}
	for i, n := range lines {
		if st.Problems[i].Line != n || st.Problems[i].Reason == "" {
			t.Errorf("problem %d = %+v, want line %d with a reason", i, st.Problems[i], n)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{
		"2400000": 240000000, "2400000.00": 240000000, "2.400.000": 240000000, "2.400.000,00": 240000000,
		"1.234.567,89": 123456789, "1,234,567.89": 123456789, "1234567,89": 123456789, "9,": 900, "-2.400.000,00": -240000000,
		"(2.500)": -250000, "Rp2.500": 250000, "Rp -2.500": -250000, "12.50": 1250, "2,400": 240000, "2.400": 240000, ".00": 0,
		"1000000000000000": 100000000000000000, "0,5": 50, "2.400.000,000": 240000000,
	} {
		got, err := ParseAmount(in)
		if err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "1.2.3", "1,2,3", "1.234,56.7", "2.40.000", "1e3", "10000000000000000", "1000000000000000.01", "-", "Rp"} {
		if got, err := ParseAmount(in); err == nil {
			t.Errorf("ParseAmount(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2024-07-01": "2024-07-01", "01/07/2024": "2024-07-01", "01-07-2024": "2024-07-01", "01/07/24": "2024-07-01",
		"03-Jul-24": "2024-07-03", "04 Agu 2024": "2024-08-04", "12 Des 2024": "2024-12-12", "01/07/2024 08:15:02": "2024-07-01",
		"2024-07-02T09:30:00+07:00": "2024-07-02", "20240701": "2024-07-01",
	} {
		if got, err := ParseDate(in, ""); err != nil || got != want {
			t.Errorf("ParseDate(%q) = %q, %v; want %s", in, got, err, want)
		}
	}
	if got, err := ParseDate("07/01/2024", "01/02/2006"); got != "2024-07-01" || err != nil {
		t.Errorf("with a profile layout: %q %v", got, err)
	}
	for _, in := range []string{"", "31/02/2024", "yesterday", "2024-13-01"} {
		if _, err := ParseDate(in, ""); err == nil {
			t.Errorf("ParseDate(%q): want an error", in)
		}
	}
}

func TestReadCSV(t *testing.T) {
	t.Run("DefaultColumns", func(t *testing.T) {
		sts := mustRead(t, "csv", "default.csv", Options{Account: "0123"})
		st := sts[0]
		if len(sts) != 1 || st.Account != "0123" || st.Currency != "IDR" || st.From != "2024-07-01" || st.To != "2024-07-04" {
			t.Fatalf("statement %+v", st)
		}
		checkLines(t, st, []wantLine{
			{"2024-07-01", "-2400000.00", "BPUM-2024-0001", "1234567890", "Toko Sari"},
			{"2024-07-01", "-2400000.00", "BPUM-2024-0002", "2234567890", "Warung Budi"},
			{"2024-07-02", "2400000.00", "RETUR BPUM-2024-0003", "3234567890", ""},
			{"2024-07-04", "-1234567.89", "REF 55", "", ""},
			{"2024-07-04", "-9.00", "", "", ""},
		})
		checkProblems(t, st, 5, 6) // header is line 1
		if st.Lines[0].N != 2 || st.Lines[3].N != 8 {
			t.Errorf("line numbers %d %d", st.Lines[0].N, st.Lines[3].N)
		}
		if !st.Balanced() || st.HasBalances {
			t.Errorf("a CSV without balances: balanced %v has %v", st.Balanced(), st.HasBalances)
		}
	})
	t.Run("DebitColumn", func(t *testing.T) {
		st := mustRead(t, "csv", "debit_column.csv", Options{})[0]
		checkLines(t, st, []wantLine{{"2024-07-01", "-2400000.00", "TRX-1", "", ""}, {"2024-07-01", "150000.00", "TRX-2", "", ""}})
		checkProblems(t, st, 4)
	})
	profiles := []struct {
		bank  string
		file  string
		lines []wantLine
		open  string
		probs []int
	}{
		{"bri", "bri.csv", []wantLine{
			{"2024-07-01", "-2400000.00", "BPUM-2024-0001", "1234567890", "TOKO SARI"},
			{"2024-07-01", "-2400000.00", "BPUM-2024-0002", "2234567890", "WARUNG BUDI"},
			{"2024-07-03", "2400000.00", "BPUM-2024-0002", "2234567890", "WARUNG BUDI"},
		}, "100000000.00", nil},
		{"mandiri", "mandiri.csv", []wantLine{
			{"2024-07-02", "-2400000.00", "BPUM-2024-0001", "", ""},
			{"2024-07-02", "-2500.00", "BPUM-2024-0001", "", ""},
		}, "100000000.00", nil},
		{"bni", "bni.csv", []wantLine{
			{"2024-07-03", "-2400000.00", "J0001", "", ""},
			{"2024-07-03", "1000000.00", "J0002", "", ""},
		}, "100000000.00", []int{4}},
		// the layouts found in public descriptions of the banks' exports
		{"bri", "bri_cms.csv", []wantLine{ // the reference is in DESK_TRAN, for the matcher to find
			{"2024-07-01", "-2400000.00", "", "", ""},
			{"2024-07-01", "-2400000.00", "", "", ""},
			{"2024-07-03", "2400000.00", "", "", ""},
		}, "100000000.00", nil},
		{"mandiri", "mandiri_mcm.csv", []wantLine{
			{"2024-07-02", "-2400000.00", "BPUM-2024-0001", "", ""},
			{"2024-07-02", "-2500.00", "BPUM-2024-0001", "", ""},
			{"2024-07-05", "2400000.00", "RTR-77", "", ""},
		}, "100000000.00", nil},
		{"bni", "bni_direct.csv", []wantLine{ // no balance column
			{"2024-07-03", "-2400000.00", "J0001", "", ""},
			{"2024-07-03", "1000000.00", "J0002", "", ""},
		}, "", nil},
		{"bankaltimtara", "bankaltimtara.csv", []wantLine{
			{"2024-08-04", "-5000000.00", "KALTARA-01", "9876543210", "KOPERASI MAJU"},
			{"2024-08-05", "-5000000.00", "KALTARA-02", "9876543211", "UD JAYA"},
		}, "50000000.00", nil},
	}
	for _, p := range profiles {
		t.Run("Profile_"+p.bank+"_"+strings.TrimSuffix(p.file, ".csv"), func(t *testing.T) {
			st := mustRead(t, "csv", p.file, Options{Profile: BankProfiles[p.bank]})[0]
			checkLines(t, st, p.lines)
			checkProblems(t, st, p.probs...)
			if p.open == "" {
				if st.HasBalances {
					t.Errorf("balances read from a file without them: opening %s", rp(st.OpeningSen))
				}
				return
			}
			if !st.HasBalances || rp(st.OpeningSen) != p.open {
				t.Errorf("opening %s (has %v), want %s", rp(st.OpeningSen), st.HasBalances, p.open)
			}
			if !st.Balanced() && len(p.probs) == 0 {
				t.Errorf("difference %d", st.DifferenceSen())
			}
		})
	}
	t.Run("BRICMSReferenceInDescription", func(t *testing.T) {
		// BRI's CSV has no reference column: the matcher finds the payment
		// reference among the words of DESK_TRAN
		st := mustRead(t, "csv", "bri_cms.csv", Options{Profile: BankProfiles["bri"]})[0]
		var ls []BankLine
		for i, l := range st.Lines {
			ls = append(ls, BankLine{ID: int64(i + 1), BookingDate: l.BookingDate, AmountSen: l.AmountSen, Ref: l.Reference, Description: l.Description})
		}
		r := Match([]Payment{{ID: 7, AmountSen: 240000000, PaidOn: "2024-07-01", Ref: "BPUM-2024-0002"}}, ls, 3)
		if got := pairsOf(r); got != "2-7:reference " {
			t.Errorf("pairs %q, want 2-7:reference", got)
		}
	})
	t.Run("Unbalanced", func(t *testing.T) {
		// BNI's third row is unreadable but moved the running balance in the bank's view? No:
		// here the balance column after the bad row stays, so the statement still balances.
		st := mustRead(t, "csv", "bni.csv", Options{Profile: BankProfiles["bni"]})[0]
		if !st.Balanced() {
			t.Errorf("difference %d", st.DifferenceSen())
		}
		in := "booking_date,amount,balance\n2024-07-01,-100,900\n2024-07-02,-100,850\n"
		sts, err := ReadCSV(strings.NewReader(in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if sts[0].Balanced() || rp(sts[0].DifferenceSen()) != "50.00" {
			t.Errorf("balanced %v difference %s, want 50.00", sts[0].Balanced(), rp(sts[0].DifferenceSen()))
		}
	})
	t.Run("ErrCurrency", func(t *testing.T) {
		_, err := readFile(t, "csv", "usd.csv", Options{})
		var ce *CurrencyError
		if !errors.As(err, &ce) || ce.Got != "USD" || ce.Expected != "IDR" || !strings.Contains(err.Error(), "USD") || !strings.Contains(err.Error(), "IDR") {
			t.Fatalf("err = %v", err)
		}
		if _, err := readFile(t, "csv", "usd.csv", Options{Currency: "usd"}); err != nil {
			t.Errorf("USD expected: %v", err)
		}
	})
	t.Run("ErrNoHeader", func(t *testing.T) {
		_, err := readFile(t, "csv", "noheader.csv", Options{})
		var re *ReadError
		if !errors.As(err, &re) || re.Line != 1 || !strings.Contains(re.Reason, "booking_date") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrBinary", func(t *testing.T) {
		_, err := ReadCSV(strings.NewReader("PK\x03\x04\x00\x00"), Options{})
		if !IsReadError(err) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNoLineReadable", func(t *testing.T) {
		_, err := ReadCSV(strings.NewReader("booking_date,amount\nx,1\ny,2\n"), Options{})
		var re *ReadError
		if !errors.As(err, &re) || re.Line != 2 {
			t.Fatalf("err = %v", err)
		}
	})
}

func rp(sen int64) string {
	l := Line{AmountSen: sen}
	return l.Amount().String()
}

func TestReadMT940(t *testing.T) {
	t.Run("BlocksFundsCodeReversalsWrapped", func(t *testing.T) {
		sts := mustRead(t, "mt940", "mt940_blocks.sta", Options{})
		if len(sts) != 2 {
			t.Fatalf("%d statements, want 2", len(sts))
		}
		a, b := sts[0], sts[1]
		if a.Account != "012301000123301" || a.Number != "00185/001" || a.From != "2024-06-30" || a.To != "2024-07-03" {
			t.Errorf("first statement %+v", a)
		}
		checkLines(t, a, []wantLine{
			{"2024-07-01", "-2400000.00", "BPUM-2024-0001", "", ""},
			{"2024-07-01", "-1100000.00", "", "", ""},
			{"2024-07-02", "9.00", "", "", ""},
			{"2024-07-03", "2400000.00", "BPUM-2024-0001", "", ""},
		})
		checkProblems(t, a, 14)
		if want := "BRI000001 TRANSFER BPUM PEMINDAHBUKUAN KE 1234567890 TOKO SARI PROGRAM BANTUAN PRODUKTIF USAHA MIKRO TAHAP 1"; a.Lines[0].Description != want {
			t.Errorf("wrapped :86: = %q", a.Lines[0].Description)
		}
		if a.Lines[0].N != 6 || a.Lines[0].ValueDate != "2024-07-01" {
			t.Errorf("line %d value %s", a.Lines[0].N, a.Lines[0].ValueDate)
		}
		// the bank counted the unreadable line: the statement does not balance by its 100.00
		if a.Balanced() || rp(a.DifferenceSen()) != "-100.00" {
			t.Errorf("difference %s", rp(a.DifferenceSen()))
		}
		if b.Account != "012301000999301" || b.Number != "7" || rp(b.OpeningSen) != "-1000.00" || !b.Balanced() {
			t.Errorf("second statement %+v diff %d", b, b.DifferenceSen())
		}
		checkLines(t, b, []wantLine{{"2024-07-01", "-500.00", "REF-X", "14500", "KOPERASI MAJU"}})
		if !strings.Contains(b.Lines[0].Description, "BIAYA") || !strings.Contains(b.Lines[0].Description, "SVWZ+GAJI") {
			t.Errorf("structured :86: description %q", b.Lines[0].Description)
		}
	})
	t.Run("EREFWhenNoReference", func(t *testing.T) {
		in := ":20:X\n:25:1\n:60F:C240701IDR0,\n:61:240701D5,NTRFNONREF\n:86:?20EREF+BPUM-9?21SVWZ+X\n:62F:D240701IDR5,\n"
		st := mustRead940(t, in)[0]
		checkLines(t, st, []wantLine{{"2024-07-01", "-5.00", "BPUM-9", "", ""}})
	})
	t.Run("EntryDateAcrossNewYear", func(t *testing.T) {
		in := ":20:X\n:25:1\n:60F:C241231IDR0,\n:61:2412310101D5,NTRF\n:61:2501011231C5,NTRF\n:62F:C250101IDR0,\n"
		st := mustRead940(t, in)[0]
		checkLines(t, st, []wantLine{{"2025-01-01", "-5.00", "", "", ""}, {"2024-12-31", "5.00", "", "", ""}})
	})
	t.Run("PagesAndAccounts", func(t *testing.T) {
		sts := mustRead(t, "mt940", "mt940_pages.sta", Options{})
		if len(sts) != 2 {
			t.Fatalf("%d statements, want the two pages as one plus another account", len(sts))
		}
		a, b := sts[0], sts[1]
		checkLines(t, a, []wantLine{{"2024-07-01", "-100000.00", "REF-1", "", ""}, {"2024-07-02", "-200000.00", "REF-2", "", ""}})
		if rp(a.OpeningSen) != "1000000.00" || rp(a.ClosingSen) != "700000.00" || !a.Balanced() || a.To != "2024-07-02" {
			t.Errorf("continued statement %+v", a)
		}
		if b.Account != "5555555555" || b.Balanced() || rp(b.DifferenceSen()) != "10.00" {
			t.Errorf("other account %+v diff %d", b, b.DifferenceSen())
		}
	})
	t.Run("ErrCurrency", func(t *testing.T) {
		_, err := readFile(t, "mt940", "mt940_usd.sta", Options{})
		var ce *CurrencyError
		if !errors.As(err, &ce) || ce.Got != "USD" || ce.Expected != "IDR" || ce.Line != 3 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNoClosing", func(t *testing.T) {
		_, err := readFile(t, "mt940", "mt940_noclose.sta", Options{})
		var re *ReadError
		if !errors.As(err, &re) || re.Line != 1 || !strings.Contains(re.Reason, ":62F:") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrBadBalance", func(t *testing.T) {
		_, err := ReadMT940(strings.NewReader(":20:X\n:25:1\n:60F:C2407IDR\n"), Options{})
		var re *ReadError
		if !errors.As(err, &re) || re.Line != 3 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNotMT940", func(t *testing.T) {
		_, err := ReadMT940(strings.NewReader("booking_date,amount\n2024-07-01,5\n"), Options{})
		var re *ReadError
		if !errors.As(err, &re) || !strings.Contains(re.Reason, "no MT940") {
			t.Fatalf("err = %v", err)
		}
	})
}

func mustRead940(t *testing.T, in string) []*Statement {
	t.Helper()
	sts, err := ReadMT940(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sts
}

func TestReadCamt053(t *testing.T) {
	t.Run("V02OthrBatchSeveralStmt", func(t *testing.T) {
		sts := mustRead(t, "camt053", "camt053_v02.xml", Options{})
		if len(sts) != 2 {
			t.Fatalf("%d statements", len(sts))
		}
		a, b := sts[0], sts[1]
		if a.Account != "012301000123301" || a.Number != "STMT-2024-07-03" || a.From != "2024-07-01" || a.To != "2024-07-03" || !a.Balanced() {
			t.Errorf("first %+v diff %d", a, a.DifferenceSen())
		}
		checkLines(t, a, []wantLine{
			{"2024-07-01", "-2400000.00", "BPUM-2024-0001", "1234567890", "Toko Sari"},
			{"2024-07-02", "-4800000.00", "SP2D-LS-0007", "", ""},
		})
		if len(a.Problems) != 1 || !strings.Contains(a.Problems[0].Reason, "12,5") {
			t.Errorf("problems %v", a.Problems)
		}
		if b.Account != "ID12BANK0000000000001" || rp(b.OpeningSen) != "0.00" || !b.Balanced() {
			t.Errorf("second %+v", b)
		}
		checkLines(t, b, []wantLine{{"2024-07-05", "2400000.00", "RETUR-0002", "2234567890", "Warung Budi"}})
	})
	t.Run("V08DtTmPty", func(t *testing.T) {
		st := mustRead(t, "camt053", "camt053_v08.xml", Options{})[0]
		if st.Account != "0987654321" || st.From != "2024-08-01" || !st.Balanced() {
			t.Errorf("%+v", st)
		}
		checkLines(t, st, []wantLine{{"2024-08-01", "-5002500.00", "KALTARA-01", "9876543210", "Koperasi Maju"}})
		if st.Lines[0].Description != "TRF BI-FAST" {
			t.Errorf("description %q", st.Lines[0].Description)
		}
	})
	t.Run("AnyVersion", func(t *testing.T) {
		b, _ := os.ReadFile("testdata/camt053_v08.xml")
		for _, v := range []string{"02", "03", "04", "05", "06", "07", "08", "10"} {
			in := strings.Replace(string(b), "camt.053.001.08", "camt.053.001."+v, 1)
			if _, err := ReadCamt053(strings.NewReader(in), Options{}); err != nil {
				t.Errorf("version %s: %v", v, err)
			}
		}
	})
	t.Run("ErrCurrency", func(t *testing.T) {
		_, err := readFile(t, "camt053", "camt053_usd.xml", Options{})
		var ce *CurrencyError
		if !errors.As(err, &ce) || ce.Got != "USD" || ce.Expected != "IDR" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrBroken", func(t *testing.T) {
		_, err := readFile(t, "camt053", "camt053_broken.xml", Options{})
		var re *ReadError
		if !errors.As(err, &re) || re.Line != 4 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrOtherMessage", func(t *testing.T) {
		_, err := ReadCamt053(strings.NewReader(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>`), Options{})
		var re *ReadError
		if !errors.As(err, &re) || !strings.Contains(re.Reason, "pain.001") {
			t.Fatalf("err = %v", err)
		}
	})
}
