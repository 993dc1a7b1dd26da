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
