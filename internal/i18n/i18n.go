// Package i18n holds the words of Pilar's pages in Bahasa Indonesia (the
// default) and English, and formats dates the way each language writes them.
package i18n

import (
	"fmt"
	"time"
)

// Langs are the languages pages speak; the first is the default.
var Langs = []string{"id", "en"}

// Supported reports whether lang is one of Langs.
func Supported(lang string) bool { return lang == "id" || lang == "en" }

// words maps a key to its Indonesian and English text.
var words = map[string][2]string{}

// Register adds words, each key with its Indonesian and English text; each
// feature keeps its words in a file of its own and registers them in init.
// A key registered twice is a programming error.
func Register(ws map[string][2]string) {
	for k, v := range ws {
		if _, dup := words[k]; dup {
			panic("i18n: word registered twice: " + k)
		}
		words[k] = v
	}
}

// T returns the text for key in lang, formatted with args; an unknown key
// is used as it is (formatted) so that a missing translation shows, not
// breaks, and a message key, which is English text, reads right in English.
func T(lang, key string, args ...any) string {
	s := key
	if w, ok := words[key]; ok {
		s = w[0]
		if lang == "en" {
			s = w[1]
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

var months = [2][12]string{
	{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// Date writes a YYYY-MM-DD date as "12 Juli 2023" (or "12 July 2023");
// anything else is returned unchanged.
func Date(lang, ymd string) string {
	d, err := time.Parse("2006-01-02", ymd)
	if err != nil {
		return ymd
	}
	i := 0
	if lang == "en" {
		i = 1
	}
	return fmt.Sprintf("%d %s %d", d.Day(), months[i][d.Month()-1], d.Year())
}

// Day is a YYYY-MM-DD date given to a message: it is written the reader's
// way ("12 Juli 2023", "12 July 2023") when the message is.
type Day string

// In writes the day in lang.
func (d Day) In(lang string) string { return Date(lang, string(d)) }

// MonthKey is the key of month m (1 to 12) followed by a year: "July %s",
// "Juli %s".
func MonthKey(m int) string { return fmt.Sprintf("report.month.%02d", m) }

func init() {
	ws := map[string][2]string{}
	for i := range 12 {
		ws[MonthKey(i+1)] = [2]string{months[0][i] + " %s", months[1][i] + " %s"}
	}
	Register(ws)
}

// DateTime writes a moment in its own time zone as a ledger does:
// "1 Desember 2026 04.01 WITA" (English: "1 December 2026 04:01 WITA").
func DateTime(lang string, t time.Time) string {
	zone, _ := t.Zone()
	if lang == "en" {
		return fmt.Sprintf("%d %s %d %02d:%02d %s", t.Day(), months[1][t.Month()-1], t.Year(), t.Hour(), t.Minute(), zone)
	}
	return fmt.Sprintf("%d %s %d %02d.%02d %s", t.Day(), months[0][t.Month()-1], t.Year(), t.Hour(), t.Minute(), zone)
}
