package web

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseBatchPaste feeds any text to the batch page's paste reader: it
// never panics, and every row it gives names someone, holds no control
// characters or separators, and comes from a line of the text.
func FuzzParseBatchPaste(f *testing.F) {
	for _, s := range []string{
		"NIK;jumlah\n6472014107900001;2.400.000\r\n9120000123456\n\nWarung Bu Sari",
		"nama\tjumlah\nToko Sari\t1.500.000,50\textra", "\"6472014107900001\";\"2400000\"", ";;;\n\t\t", "a\x00b;1", "\xff\xfe;1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rows := parseBatchPaste(s)
		if lines := strings.Count(s, "\n") + strings.Count(s, "\r") + 1; len(rows) > lines {
			t.Fatalf("%d rows from %d lines", len(rows), lines)
		}
		for _, r := range rows {
			if r.Who == "" {
				t.Fatalf("a row names nobody: %+v", r)
			}
			for _, cell := range []string{r.Who, r.Amount} {
				if strings.ContainsAny(cell, "\n\r\t\x00") || strings.TrimSpace(cell) != cell {
					t.Fatalf("cell %q is not clean", cell)
				}
				if utf8.ValidString(s) && !utf8.ValidString(cell) {
					t.Fatalf("cell %q broke the text's UTF-8", cell)
				}
			}
			if r.Amount != "" && strings.Contains(r.Amount, ";") && !strings.Contains(s, "\t") {
				t.Fatalf("amount %q holds the separator", r.Amount)
			}
		}
	})
}
