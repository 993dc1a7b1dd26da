package finance_test

import (
	"testing"

	"pilar/internal/finance"
	"pilar/internal/i18n"
)

// TestMsgDayInLanguage: a date given to a message is written the reader's
// way, as a page writes dates; the other arguments stay as they are.
func TestMsgDayInLanguage(t *testing.T) {
	m := finance.M("%s returned on %s is neither deposited to the treasury nor paid again (%d days)", "Rp120.000.000", i18n.Day("2025-03-22"), 620)
	for lang, want := range map[string]string{
		"id": "Rp120.000.000 yang dikembalikan pada 22 Maret 2025 belum disetor ke kas maupun dibayarkan lagi (620 hari)",
		"en": "Rp120.000.000 returned on 22 March 2025 is neither deposited to the treasury nor paid again (620 days)",
	} {
		if got := m.In(lang); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
