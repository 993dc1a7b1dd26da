package recon

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seedFiles adds every fixture with the suffix as a seed.
func seedFiles(f *testing.F, pattern string) {
	names, _ := filepath.Glob("testdata/" + pattern)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkRead is what every reader promises, whatever the input: no panic,
// a refusal that is a ReadError or CurrencyError, and statements whose
// lines carry dates and non-zero amounts within Pilar's bounds.
func checkRead(t *testing.T, sts []*Statement, err error) {
	if err != nil {
		if !IsReadError(err) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		return
	}
	if len(sts) == 0 {
		t.Fatal("no statement and no error")
	}
	for _, st := range sts {
		for _, l := range st.Lines {
			if len(l.BookingDate) != 10 || l.AmountSen == 0 || l.AmountSen > maxSen || l.AmountSen < -maxSen {
				t.Fatalf("bad line %+v", l)
			}
		}
		_ = st.DifferenceSen()
	}
}

func FuzzReadCSV(f *testing.F) {
	seedFiles(f, "*.csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		sts, err := ReadCSV(bytes.NewReader(b), Options{})
		checkRead(t, sts, err)
		sts, err = ReadCSV(bytes.NewReader(b), Options{Profile: BankProfiles["bri"]})
		checkRead(t, sts, err)
	})
}

func FuzzReadMT940(f *testing.F) {
	seedFiles(f, "*.sta")
	f.Fuzz(func(t *testing.T, b []byte) {
		sts, err := ReadMT940(bytes.NewReader(b), Options{})
		checkRead(t, sts, err)
	})
}

func FuzzReadCamt053(f *testing.F) {
	seedFiles(f, "*.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		sts, err := ReadCamt053(bytes.NewReader(b), Options{})
		checkRead(t, sts, err)
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"2.400.000,00", "1,234,567.89", "9,", "(2.500)", "Rp -1", "0,5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sen, err := ParseAmount(s)
		if err == nil && (sen > maxSen || sen < -maxSen) {
			t.Fatalf("%q = %d out of bounds", s, sen)
		}
	})
}

// FuzzNormalizeRef: normalising is idempotent and never grows a reference.
func FuzzNormalizeRef(f *testing.F) {
	for _, s := range []string{"REF bpum-2024/0001", "No. X-1", "ref20240001", "é-ß", "REF"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeRef(s)
		if NormalizeRef(n) != n && !strings.HasPrefix(n, "REF") && !strings.HasPrefix(n, "NO") {
			t.Fatalf("NormalizeRef(%q) = %q, again %q", s, n, NormalizeRef(n))
		}
		if d, ok := Day(s); ok {
			if back := time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02"); back != s {
				t.Fatalf("Day(%q) = %d = %s", s, d, back)
			}
		}
	})
}
