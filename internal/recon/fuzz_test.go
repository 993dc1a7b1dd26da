package recon

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
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
		checkStreamed(t, b, Options{}, sts, err)
		sts, err = ReadCSV(bytes.NewReader(b), Options{Profile: BankProfiles["bri"]})
		checkRead(t, sts, err)
	})
}

// checkStreamed: reading with Each hands over the same lines, and gives
// the same statement, as reading whole.
func checkStreamed(t *testing.T, b []byte, opt Options, whole []*Statement, werr error) {
	var got []Line
	opt.Each = func(l Line) error { got = append(got, l); return nil }
	sts, err := ReadCSV(bytes.NewReader(b), opt)
	if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
		t.Fatalf("streamed error %v, whole %v", err, werr)
	}
	if err != nil {
		return
	}
	st, w := sts[0], whole[0]
	if len(st.Lines) != 0 || st.NumLines() != len(w.Lines) || !reflect.DeepEqual(got, w.Lines) && len(got)+len(w.Lines) > 0 {
		t.Fatalf("streamed %d lines (%d kept), whole %d", len(got), len(st.Lines), len(w.Lines))
	}
	if st.From != w.From || st.To != w.To || st.OpeningSen != w.OpeningSen || st.ClosingSen != w.ClosingSen || st.DifferenceSen() != w.DifferenceSen() {
		t.Fatalf("streamed %s..%s %d %d %d, whole %s..%s %d %d %d", st.From, st.To, st.OpeningSen, st.ClosingSen, st.DifferenceSen(),
			w.From, w.To, w.OpeningSen, w.ClosingSen, w.DifferenceSen())
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-07-01", "01/07/2024", "4 Agu 2024", "03-Jul-24", "01/07/2024 08:15:02", "2024-07-01T10:00:00+07:00", "31/02/2024"} {
		f.Add(s, "")
	}
	f.Add("07/01/2024", "01/02/2006")
	f.Fuzz(func(t *testing.T, s, layout string) {
		d, err := ParseDate(s, layout)
		if err != nil {
			return
		}
		// a date read is a real day, and reads back as itself
		if _, ok := Day(d); !ok {
			t.Fatalf("ParseDate(%q, %q) = %q, not a day", s, layout, d)
		}
		if again, err := ParseDate(d, ""); err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %q, %v", d, again, err)
		}
	})
}

// FuzzMatch: whatever the payments and lines, a line pays one disbursement
// (a bulk line a batch), a disbursement is paid by one line, and the pairs
// do not depend on the order of the input.
func FuzzMatch(f *testing.F) {
	f.Add([]byte("\x01\x02\x03\x04\x05\x06\x07\x08"), []byte("\x01\x02\x03\x04\x05\x06\x07\x08"))
	f.Add([]byte("\x00\x00\x00\x00\x10\x11\x12\x13"), []byte("\x00\x00\x01\x01\x02\x02\x03\x03"))
	refs := []string{"", "A-1", "a 1", "REF A-1", "B-2", "SP2D-LS-1", "X12345", "no. b2"}
	accts := []string{"", "111", "0111", "222"}
	amounts := []int64{100, 200, 300}
	f.Fuzz(func(t *testing.T, pb, lb []byte) {
		var ps []Payment
		for i := 0; i+1 < len(pb) && i < 40; i += 2 {
			x, y := pb[i], pb[i+1]
			p := Payment{ID: int64(i/2 + 1), AmountSen: amounts[int(x)%3], PaidOn: fmt.Sprintf("2024-07-%02d", 1+int(y)%9),
				Ref: refs[int(x>>2)%len(refs)], Account: accts[int(y>>4)%len(accts)], Paired: x&0x80 != 0}
			if y&0x08 != 0 {
				p.ReturnedOn = "2024-07-10"
			}
			ps = append(ps, p)
		}
		var ls []BankLine
		for i := 0; i+1 < len(lb) && i < 40; i += 2 {
			x, y := lb[i], lb[i+1]
			a := amounts[int(x)%3] * int64(1+int(x>>6)%2)
			if y&0x01 == 0 {
				a = -a
			}
			ls = append(ls, BankLine{ID: int64(i/2 + 1), AmountSen: a, BookingDate: fmt.Sprintf("2024-07-%02d", 1+int(y>>1)%9),
				Ref: refs[int(x>>2)%len(refs)], Account: accts[int(y>>4)%len(accts)], Description: refs[int(y>>5)%len(refs)]})
		}
		r := Match(ps, ls, 3)
		rule := map[int64]string{}
		paid, returned := map[int64]bool{}, map[int64]bool{}
		for _, p := range r.Pairs {
			if prev, ok := rule[p.LineID]; ok && (prev != RuleBulk || p.Rule != RuleBulk) {
				t.Fatalf("line %d matched twice: %v", p.LineID, r.Pairs)
			}
			rule[p.LineID] = p.Rule
			seen := paid
			if IsRetur(p.Rule) {
				seen = returned
			}
			if seen[p.DisbursementID] {
				t.Fatalf("disbursement %d matched twice: %v", p.DisbursementID, r.Pairs)
			}
			seen[p.DisbursementID] = true
		}
		slices.Reverse(ps)
		slices.Reverse(ls)
		if again := Match(ps, ls, 3); !reflect.DeepEqual(again.Pairs, r.Pairs) {
			t.Fatalf("reversed input: %v, want %v", again.Pairs, r.Pairs)
		}
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
