package recon

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// maxSen is 10^15 rupiah in sen, the largest amount Pilar handles.
const maxSen = 100_000_000_000_000_000

var errAmount = errors.New("not an amount")

// ParseAmount reads a signed amount as bank CSV exports write it: plain
// (2400000.00), Indonesian (1.234.567,89; 2.400.000; 9,), or with comma
// thousands (1,234,567.89), optionally with Rp, a sign, or parentheses
// for a negative. Since rupiah have at most two decimals, a lone
// separator followed by three digits separates thousands. The result is
// exact integer sen.
func ParseAmount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = !neg, strings.TrimSpace(s[1:])
	case strings.HasPrefix(s, "+"):
		s = strings.TrimSpace(s[1:])
	}
	for _, p := range []string{"Rp.", "Rp", "RP", "rp", "IDR"} {
		if strings.HasPrefix(s, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	if strings.HasPrefix(s, "-") && !neg {
		neg, s = true, strings.TrimSpace(s[1:])
	}
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return 0, errAmount
	}
	intPart, frac, err := splitDecimal(s)
	if err != nil {
		return 0, err
	}
	sen, err := toSen(intPart, frac)
	if err != nil {
		return 0, err
	}
	if neg {
		sen = -sen
	}
	return sen, nil
}

// splitDecimal finds the decimal separator, if any, and removes the
// thousands separators.
func splitDecimal(s string) (string, string, error) {
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' && c != ',' {
			return "", "", errAmount
		}
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var dec byte
	switch {
	case dots > 0 && commas > 0:
		dec = s[max(strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ','))]
		if strings.Count(s, string(dec)) > 1 {
			return "", "", errAmount
		}
	case dots == 1 || commas == 1:
		sep := byte('.')
		if commas == 1 {
			sep = ','
		}
		i := strings.IndexByte(s, sep)
		if len(s)-i-1 != 3 || i == 0 {
			dec = sep // 9, 1234,5 12.50 — not thousands
		}
	}
	intPart, frac := s, ""
	if dec != 0 {
		i := strings.LastIndexByte(s, dec)
		intPart, frac = s[:i], s[i+1:]
	}
	if strings.ContainsAny(frac, ".,") {
		return "", "", errAmount
	}
	if intPart != "" && !groupedOK(intPart) {
		return "", "", errAmount
	}
	intPart = strings.NewReplacer(".", "", ",", "").Replace(intPart)
	if intPart == "" && frac == "" {
		return "", "", errAmount
	}
	return intPart, frac, nil
}

// groupedOK checks that thousands separators, if any, group by three.
func groupedOK(s string) bool {
	var sep rune
	for _, c := range s {
		if c == '.' || c == ',' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return true
	}
	parts := strings.Split(s, string(sep))
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 || strings.ContainsAny(p, ".,") {
			return false
		}
	}
	return true
}

func toSen(intPart, frac string) (int64, error) {
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, errors.New("has more than 2 decimals")
		}
		frac = frac[:2]
	}
	for len(frac) < 2 {
		frac += "0"
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 16 {
		return 0, errors.New("is larger than 1000000000000000")
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return 0, errAmount
	}
	if n > maxSen {
		return 0, errors.New("is larger than 1000000000000000")
	}
	return n, nil
}

// parseSwiftAmount reads a SWIFT amount: digits with a decimal comma that
// may have no decimals after it (9,) or be missing (1100000).
func parseSwiftAmount(s string) (int64, error) {
	if s == "" || strings.Count(s, ",") > 1 || strings.Trim(s, "0123456789,") != "" || s == "," {
		return 0, errAmount
	}
	intPart, frac, _ := strings.Cut(s, ",")
	return toSen(intPart, frac)
}

var dateLayouts = []string{
	"2006-01-02", "02/01/2006", "02-01-2006", "02.01.2006", "2006/01/02", "20060102",
	"02/01/06", "02-01-06", "2 Jan 2006", "02 Jan 2006", "02-Jan-2006", "02-Jan-06", "2-Jan-06", "02 Jan 06",
	"02/Jan/2006",
}

var idMonths = strings.NewReplacer("Mei", "May", "Agu", "Aug", "Agt", "Aug", "Okt", "Oct", "Des", "Dec",
	"MEI", "MAY", "AGU", "AUG", "AGT", "AUG", "OKT", "OCT", "DES", "DEC")

// ParseDate reads a booking date as Indonesian banks write it, day first
// (02/01/2024 is 2 January); layout, when given, is tried first. A time of
// day after the date is ignored. Returns YYYY-MM-DD.
func ParseDate(s, layout string) (string, error) {
	s = strings.TrimSpace(s)
	if layout != "" {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	if len(s) >= 16 && s[10] == 'T' { // 2024-07-01T10:00:00+07:00
		s = s[:10]
	}
	if i := strings.IndexByte(s, ' '); i >= 8 && strings.Contains(s[i:], ":") {
		s = s[:i]
	}
	s = idMonths.Replace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", errors.New("is not a date such as 2024-07-01 or 01/07/2024")
}

// swiftDate reads YYMMDD; years 00-79 are 20xx.
func swiftDate(s string) (string, error) {
	if len(s) != 6 {
		return "", errors.New("is not a date YYMMDD")
	}
	t, err := time.Parse("060102", s)
	if err != nil {
		return "", errors.New("is not a date YYMMDD")
	}
	if t.Year() >= 2080 {
		t = t.AddDate(-100, 0, 0)
	}
	return t.Format("2006-01-02"), nil
}
