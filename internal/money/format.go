package money

import "strings"

// Rupiah formats an amount the Indonesian way: Rp2.400.000, or
// Rp1.234.567,89 when there are sen. Negative amounts get a leading minus.
func (a Amount) Rupiah() string {
	s := a.d.Abs().StringFixed(2)
	whole, frac := s[:len(s)-3], s[len(s)-2:]
	var b strings.Builder
	if a.d.IsNegative() {
		b.WriteByte('-')
	}
	b.WriteString("Rp")
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "00" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}
