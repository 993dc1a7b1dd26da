package finance

import (
	"fmt"
	"strings"
	"time"

	"pilar/internal/money"
)

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ValidNIK reports what is wrong with a NIK (nomor induk kependudukan), or
// "" when it is valid: 16 digits, a known province, a real birth date (40
// added to the day for women) and a serial other than 0000.
func ValidNIK(nik string) string {
	if len(nik) != 16 || !allDigits(nik) {
		if strings.ContainsAny(nik, "eE") && strings.Contains(nik, ".") {
			return "must be 16 digits; it looks like scientific notation from a spreadsheet (format the column as text)"
		}
		return "must be 16 digits"
	}
	if ProvinceName(nik[:2]) == "" {
		return fmt.Sprintf("starts with %s, which is not an Indonesian province code", nik[:2])
	}
	if _, _, ok := NIKBirth(nik); !ok {
		return "digits 7 to 12 must be a birth date DDMMYY (40 added to the day for women)"
	}
	if nik[12:] == "0000" {
		return "the last 4 digits (serial) must not be 0000"
	}
	return ""
}

// NIKBirth decodes the birth date and sex ("F" or "M") from a NIK.
func NIKBirth(nik string) (time.Time, string, bool) {
	if len(nik) != 16 || !allDigits(nik) {
		return time.Time{}, "", false
	}
	day := int(nik[6]-'0')*10 + int(nik[7]-'0')
	month := int(nik[8]-'0')*10 + int(nik[9]-'0')
	yy := int(nik[10]-'0')*10 + int(nik[11]-'0')
	sex := "M"
	if day > 40 {
		day -= 40
		sex = "F"
	}
	// Two-digit years: a year after this one's last two digits is the 1900s.
	year := 2000 + yy
	if year > time.Now().Year() {
		year -= 100
	}
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if day < 1 || month < 1 || month > 12 || d.Day() != day || d.Month() != time.Month(month) {
		return time.Time{}, "", false
	}
	return d, sex, true
}

// ValidNIB reports what is wrong with a NIB (nomor induk berusaha), or "".
func ValidNIB(nib string) string {
	if len(nib) != 13 || !allDigits(nib) {
		return "must be 13 digits"
	}
	return ""
}

// ValidNPWP reports what is wrong with an NPWP, or "" when it is valid:
// 15 digits whose 9th is the Luhn check digit of the first 8
// (01.000.013.1-093.000; dots and dashes are removed before the check), or
// 16 digits (the NIK-based NPWP used since 2024).
func ValidNPWP(npwp string) string {
	if (len(npwp) != 15 && len(npwp) != 16) || !allDigits(npwp) {
		return "must be 15 digits (01.000.013.1-093.000) or 16 digits"
	}
	if len(npwp) == 15 && luhnCheckDigit(npwp[:8]) != npwp[8] {
		return fmt.Sprintf("check digit (9th digit) must be %c for %s.%s.%s, not %c; look for a typing error",
			luhnCheckDigit(npwp[:8]), npwp[:2], npwp[2:5], npwp[5:8], npwp[8])
	}
	return ""
}

// luhnCheckDigit is the Luhn check digit of a string of digits.
func luhnCheckDigit(digits string) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 { // rightmost payload digit is doubled
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// phoneMarks are what people write between a phone number's digits; one
// replacer for every call (building it cost more than the replacing).
var phoneMarks = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "")

// NormalizePhone writes an Indonesian phone number as +62..., and says what
// is wrong when it cannot.
func NormalizePhone(p string) (string, string) {
	s := phoneMarks.Replace(p)
	switch {
	case strings.HasPrefix(s, "+62"):
		s = s[3:]
	case strings.HasPrefix(s, "62"):
		s = s[2:]
	case strings.HasPrefix(s, "0"):
		s = s[1:]
	}
	if !allDigits(s) || len(s) < 7 || len(s) > 13 || s[0] == '0' {
		return p, "must be an Indonesian phone number such as 0812-3456-7890"
	}
	return "+62" + s, ""
}

var (
	rp1m  = money.FromSen(1_000_000_000 * 100)
	rp2m  = money.FromSen(2_000_000_000 * 100)
	rp5m  = money.FromSen(5_000_000_000 * 100)
	rp10m = money.FromSen(10_000_000_000 * 100)
	rp15m = money.FromSen(15_000_000_000 * 100)
	rp50m = money.FromSen(50_000_000_000 * 100)
)

// SizeClassFor derives the size class from capital (excluding land and
// buildings) or, without it, annual sales, per PP 7/2021; "" when neither is
// given or the business is above menengah.
func SizeClassFor(capital, sales *money.Amount) string {
	classify := func(a money.Amount, mikro, kecil, menengah money.Amount) string {
		switch {
		case a.Cmp(mikro) <= 0:
			return "mikro"
		case a.Cmp(kecil) <= 0:
			return "kecil"
		case a.Cmp(menengah) <= 0:
			return "menengah"
		}
		return "besar"
	}
	switch {
	case capital != nil:
		return classify(*capital, rp1m, rp5m, rp10m)
	case sales != nil:
		return classify(*sales, rp2m, rp15m, rp50m)
	}
	return ""
}
