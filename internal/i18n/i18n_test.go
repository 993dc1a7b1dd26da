package i18n

import (
	"testing"
	"time"
)

func TestT(t *testing.T) {
	t.Parallel()
	if got := T("id", "nav.programs"); got != "Program" {
		t.Fatalf("id: %q", got)
	}
	if got := T("en", "nav.programs"); got != "Programs" {
		t.Fatalf("en: %q", got)
	}
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Fatalf("missing: %q", got)
	}
	for k, v := range words {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s lacks a translation", k)
		}
	}
}

func TestDate(t *testing.T) {
	t.Parallel()
	if got := Date("id", "2023-07-12"); got != "12 Juli 2023" {
		t.Fatalf("id: %q", got)
	}
	if got := Date("en", "2023-07-12"); got != "12 July 2023" {
		t.Fatalf("en: %q", got)
	}
	if got := Date("id", "bad"); got != "bad" {
		t.Fatalf("bad: %q", got)
	}
}

func TestDateTime(t *testing.T) {
	at := time.Date(2026, 11, 30, 20, 1, 0, 0, time.UTC).In(time.FixedZone("WITA", 8*3600))
	if got := DateTime("id", at); got != "1 Desember 2026 04.01 WITA" {
		t.Errorf("id: %q", got)
	}
	if got := DateTime("en", at); got != "1 December 2026 04:01 WITA" {
		t.Errorf("en: %q", got)
	}
}

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{{"id", 0, "0"}, {"id", 999, "999"}, {"id", 1000, "1.000"}, {"id", 21013, "21.013"}, {"en", 21013, "21,013"},
		{"id", 1234567, "1.234.567"}, {"id", -1234567, "-1.234.567"}, {"en", 100000, "100,000"}} {
		if got := Number(c.lang, c.n); got != c.want {
			t.Errorf("Number(%s, %d) = %s, want %s", c.lang, c.n, got, c.want)
		}
	}
	if got := Decimal("id", "73.41"); got != "73,41" {
		t.Errorf("Decimal id: %s", got)
	}
	if got := Decimal("en", "73.41"); got != "73.41" {
		t.Errorf("Decimal en: %s", got)
	}
}
