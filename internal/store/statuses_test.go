package store

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pilar/internal/finance"
)

// TestNoStatusLiterals keeps what a status means out of SQL text: every
// query binds a finance set through statusArg instead.
func TestNoStatusLiterals(t *testing.T) {
	t.Parallel()
	var names []string
	for _, st := range finance.Statuses {
		names = append(names, string(st))
	}
	lit := regexp.MustCompile(`'(` + strings.Join(names, "|") + `)'`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if lit.MatchString(line) {
				t.Errorf("%s:%d: status literal in SQL; bind a finance.StatusSet with statusArg: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
