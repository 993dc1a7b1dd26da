package money

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want, err string
	}{
		{"2400000", "2400000.00", ""},
		{"0.10", "0.10", ""},
		{"1234567.89", "1234567.89", ""},
		{"1.5", "1.50", ""},
		{"1.50", "1.50", ""},
		{"1.500", "", "must have at most 2 decimals"}, // 1500 to an Indonesian writer
		{"10.000", "", "must have at most 2 decimals"},
		{"2400000.000", "", "must have at most 2 decimals"},
		{"1000000000000000", "1000000000000000.00", ""},
		{"1000000000000000.01", "", "must not exceed 1000000000000000"},
		{"0", "", "must be greater than zero"},
		{"-5", "", "must be greater than zero"},
		{"1.234", "", "must have at most 2 decimals"},
		{"1e3", "", "must be a plain decimal number such as 2400000.00"},
		{"abc", "", "must be a plain decimal number such as 2400000.00"},
		{"", "", "is required"},
		{"2.400.000", "", "must be a plain decimal number such as 2400000.00"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := Parse(c.in)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("Parse(%q) error = %v, want %q", c.in, err, c.err)
				}
				return
			}
			if err != nil || got.String() != c.want {
				t.Fatalf("Parse(%q) = %v, %v; want %s", c.in, got, err, c.want)
			}
		})
	}
}

func TestParseLocal(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"2.400.000":    "2400000.00",
		"2.400.000,00": "2400000.00",
		"1.234.567,89": "1234567.89",
		"1234567,89":   "1234567.89",
		"Rp2.400.000":  "2400000.00",
		"2400000.50":   "2400000.50",
		"1.5":          "1.50",
	} {
		got, err := ParseLocal(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseLocal(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
}

// TestParseLocal_Refused: an amount in no notation ParseLocal reads is
// refused with an example in the notation it does read (2.400.000), not
// Parse's plain one; its other refusals are Parse's.
func TestParseLocal_Refused(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"abc":           "must be a plain decimal number such as 2.400.000",
		"2,400,000":     "must be a plain decimal number such as 2.400.000",
		"1e3":           "must be a plain decimal number such as 2.400.000",
		"0":             "must be greater than zero",
		"1.234.567,891": "must have at most 2 decimals",
		"":              "is required",
		// A minus sign is read with the grouping after it: minus five
		// thousand, not five with three decimals.
		"-5.000":   "must be greater than zero",
		"-1.500,5": "must be greater than zero",
		"-12,50":   "must be greater than zero",
	} {
		if _, err := ParseLocal(in); err == nil || err.Error() != want {
			t.Errorf("ParseLocal(%q) error = %v, want %q", in, err, want)
		}
	}
}

func TestRupiah(t *testing.T) {
	t.Parallel()
	for sen, want := range map[int64]string{
		240000000:   "Rp2.400.000",
		123456789:   "Rp1.234.567,89",
		0:           "Rp0",
		10:          "Rp0,10",
		-500000:     "-Rp5.000",
		99999999900: "Rp999.999.999",
	} {
		if got := FromSen(sen).Rupiah(); got != want {
			t.Errorf("FromSen(%d).Rupiah() = %q, want %q", sen, got, want)
		}
	}
}

func TestRawAndJSON(t *testing.T) {
	t.Parallel()
	var v struct{ A, B, C Raw }
	if err := json.Unmarshal([]byte(`{"A":"12.50","B":12.5,"C":true}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "12.50" || v.B != "12.5" || v.C != "true" {
		t.Fatalf("got %+v", v)
	}
	b, _ := json.Marshal(FromSen(240000000))
	if string(b) != `"2400000.00"` {
		t.Fatalf("marshal = %s", b)
	}
	var a Amount
	if err := a.Scan([]byte("123")); err != nil || a.String() != "1.23" {
		t.Fatalf("scan numeric text = %v, %v", a, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2400000", "0.10", "1e3", "-1", "1.234", "1000000000000000", "2.400.000,00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseLocal(s)
		if err != nil {
			return
		}
		if a.IsNegative() || a.IsZero() || a.Decimal().GreaterThan(Max) {
			t.Fatalf("ParseLocal(%q) accepted out-of-range %s", s, a)
		}
		back, err := Parse(a.String())
		if err != nil || !back.Equal(a) {
			t.Fatalf("round trip of %q: %s -> %v, %v", s, a, back, err)
		}
		if FromSen(a.Sen()).String() != a.String() {
			t.Fatalf("sen round trip of %s", a)
		}
	})
}

// TestAppendText: the integer formatting of AppendText writes what String
// writes, for amounts read as sen and for decimals of other exponents.
func TestAppendText(t *testing.T) {
	t.Parallel()
	amounts := []Amount{Zero, FromSen(1), FromSen(-1), FromSen(99), FromSen(-100), FromSen(240000000), FromSen(123456789),
		FromSen(-1000000), FromSen(1 << 62), FromSen(-1 << 63), FromDecimal(decimal.New(24, 5)), FromDecimal(decimal.RequireFromString("0.5")),
		FromDecimal(decimal.RequireFromString("123456789012345678901234.56"))}
	for sen := int64(-1000); sen <= 1000; sen += 7 {
		amounts = append(amounts, FromSen(sen))
	}
	for _, a := range amounts {
		if got := string(a.AppendText([]byte("x"))); got != "x"+a.String() {
			t.Errorf("AppendText(%s) = %q", a, got)
		}
	}
}
