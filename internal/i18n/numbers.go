package i18n

import (
	"strconv"
	"strings"
)

// Number writes a count with thousands separators: "21.013" in
// Indonesian, "21,013" in English.
func Number(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	sep := "."
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

// Decimal writes a plain decimal ("73.41") with the language's decimal
// mark: "73,41" in Indonesian, as it is in English.
func Decimal(lang, plain string) string {
	if lang != "en" {
		return strings.Replace(plain, ".", ",", 1)
	}
	return plain
}
