package finance

import (
	"strings"
	"testing"
)

func TestValidNPWP(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ npwp, want string }{
		{"010000131093000", ""},  // 01.000.013.1-093.000
		{"010016293051000", ""},  // 01.001.629.3-051.000
		{"012345674901000", ""},  // 01.234.567.4-901.000
		{"6472014506850001", ""}, // 16 digits, NIK-based
		{"012345678901000", "check digit (9th digit) must be 4 for 01.234.567, not 8; look for a typing error"},
		{"010000132093000", "check digit (9th digit) must be 1 for 01.000.013, not 2; look for a typing error"},
		{"01000013109300", "must be 15 digits (01.000.013.1-093.000) or 16 digits"},
		{"01000013109300X", "must be 15 digits (01.000.013.1-093.000) or 16 digits"},
	} {
		if got := ValidNPWP(tc.npwp); got != tc.want {
			t.Errorf("ValidNPWP(%q) = %q, want %q", tc.npwp, got, tc.want)
		}
	}
	r, err := NewRecipient(RecipientInput{Kind: ptrS("umkm"), Name: ptrS("A"), NIK: ptrS("6472014506850001"), NPWP: ptrS("01.000.013.1-093.000")})
	if err != nil || r.NPWP != "010000131093000" {
		t.Fatalf("dotted NPWP: %v %q", err, r.NPWP)
	}
}

func ptrS(s string) *string { return &s }

func TestValidRegion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ code, want string }{
		{"64", ""}, {"64.72", ""}, {"64.11", ""}, {"65.71", ""}, {"62.71", ""}, {"61.12", ""}, {"63.72", ""},
		{"64.72.01", ""}, {"64.72.01.1001", ""}, {"96", ""}, {"32.73", ""}, // outside Kalimantan: province checked only
		{"64.06", "64.06 is not a regency or city of Kalimantan Timur in the Kemendagri table"},
		{"65.05.01", "65.05 is not a regency or city of Kalimantan Utara in the Kemendagri table"},
		{"99", "99 is not a Kemendagri province code"},
		{"6472", "must be a Kemendagri region code such as 64 or 64.72"},
		{"", "must be a Kemendagri region code such as 64 or 64.72"},
	} {
		if got := ValidRegion(tc.code); got != tc.want {
			t.Errorf("ValidRegion(%q) = %q, want %q", tc.code, got, tc.want)
		}
	}
	if len(provinces) != 38 {
		t.Errorf("%d provinces, want 38", len(provinces))
	}
	for prov := range regencyListed {
		n := 0
		for code := range regencies {
			if strings.HasPrefix(code, prov+".") {
				n++
			}
		}
		want := map[string]int{"61": 14, "62": 14, "63": 13, "64": 10, "65": 5}[prov]
		if n != want {
			t.Errorf("province %s has %d regencies and cities, want %d", prov, n, want)
		}
	}
	if got := RegionLabel("64.72.01"); got != "64.72.01 Kota Samarinda" {
		t.Errorf("RegionLabel = %q", got)
	}
}

func TestValidNIK(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ nik, want, sex, born string }{
		{"6472014506850001", "", "F", "1985-06-05"},
		{"6472010506850001", "", "M", "1985-06-05"},
		{"6.47201E+15", "must be 16 digits; it looks like scientific notation from a spreadsheet (format the column as text)", "", ""},
		{"9972014506850001", "starts with 99, which is not an Indonesian province code", "F", "1985-06-05"},
		{"6472013102850001", "digits 7 to 12 must be a birth date DDMMYY (40 added to the day for women)", "", ""},
		{"6472014506850000", "the last 4 digits (serial) must not be 0000", "F", "1985-06-05"},
	} {
		if got := ValidNIK(tc.nik); got != tc.want {
			t.Errorf("ValidNIK(%q) = %q, want %q", tc.nik, got, tc.want)
		}
		r := Recipient{NIK: tc.nik}
		r.DecodeNIK()
		if r.OwnerSex != tc.sex || r.OwnerBorn != tc.born {
			t.Errorf("DecodeNIK(%q) = %s %s, want %s %s", tc.nik, r.OwnerSex, r.OwnerBorn, tc.sex, tc.born)
		}
	}
}

// The fuzz targets check that each validator never panics and agrees with
// itself: what it accepts has the documented shape.

func FuzzValidNIK(f *testing.F) {
	for _, s := range []string{"6472014506850001", "6.47201E+15", "", "0000000000000000", "6472019999990001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidNIK(s) == "" {
			if len(s) != 16 || !allDigits(s) || s[12:] == "0000" {
				t.Fatalf("accepted %q", s)
			}
			if _, _, ok := NIKBirth(s); !ok {
				t.Fatalf("accepted %q without a birth date", s)
			}
		}
	})
}

func FuzzValidNIB(f *testing.F) {
	f.Add("9120000000001")
	f.Add("912000000000")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidNIB(s) == "" && (len(s) != 13 || !allDigits(s)) {
			t.Fatalf("accepted %q", s)
		}
	})
}

func FuzzValidNPWP(f *testing.F) {
	for _, s := range []string{"010000131093000", "012345678901000", "6472014506850001", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidNPWP(s) != "" || len(s) == 16 {
			return
		}
		if len(s) != 15 || !allDigits(s) || luhnCheckDigit(s[:8]) != s[8] {
			t.Fatalf("accepted %q", s)
		}
		// Changing the check digit must be refused.
		b := []byte(s)
		b[8] = '0' + (b[8]-'0'+1)%10
		if ValidNPWP(string(b)) == "" {
			t.Fatalf("accepted %q and %q", s, b)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0812-3456-7890", "+62 812 3456 7890", "62812345678", "(0541) 123456", "", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, msg := NormalizePhone(s)
		if msg != "" {
			return
		}
		if !strings.HasPrefix(p, "+62") || !allDigits(p[3:]) {
			t.Fatalf("NormalizePhone(%q) = %q", s, p)
		}
		if again, msg := NormalizePhone(p); msg != "" || again != p {
			t.Fatalf("not idempotent: %q -> %q -> %q %q", s, p, again, msg)
		}
	})
}

func FuzzValidRegion(f *testing.F) {
	for _, s := range []string{"64", "64.72", "64.72.01.1001", "99.01", "6472", "64..72"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidRegion(s) == "" && (ProvinceName(s[:2]) == "" || (regencyListed[s[:2]] && len(s) >= 5 && RegionName(s[:5]) == "")) {
			t.Fatalf("accepted %q", s)
		}
	})
}
