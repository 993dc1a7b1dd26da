package main

import (
	"strings"
	"testing"
)

func TestCLI_ImportStatement(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.must("", "demo")
	c.must("correct-horse-battery\n", "user", "add", "--email", "admin@pilar.test", "--name", "A", "--role", "admin")
	args := []string{"import", "statement", "../../internal/recon/testdata/mt940_blocks.sta", "--format", "mt940",
		"--account", "012301000123301", "--agency", "DISPERINDAGKOP-KALTIM", "--as", "admin@pilar.test"}
	out := c.must("", args...)
	for _, want := range []string{"account 012301000123301, 2024-06-30 to 2024-07-03, 4 lines", "NOT balanced, difference -100.00",
		"line 14 skipped: :61: mark", "created 2, already imported 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("first import: no %q in\n%s", want, out)
		}
	}
	if out := c.must("", args...); !strings.Contains(out, "created 0, already imported 2") || !strings.Contains(out, "nothing was created") {
		t.Errorf("second import:\n%s", out)
	}
	code, _, errOut := c.run("", "import", "statement", "../../internal/recon/testdata/mt940_usd.sta", "--format", "mt940",
		"--account", "1", "--agency", "DISPERINDAGKOP-KALTIM", "--as", "admin@pilar.test")
	if code != 1 || !strings.Contains(errOut, "USD") || !strings.Contains(errOut, "IDR") {
		t.Errorf("USD statement: exit %d %s", code, errOut)
	}
	if code, _, errOut := c.run("", "import", "statement", "x.csv", "--account", "1", "--as", "a"); code != 2 || !strings.Contains(errOut, "--format") {
		t.Errorf("without --format: exit %d %s", code, errOut)
	}
	out = c.must("", "import", "statement", "../../internal/recon/testdata/bri.csv", "--format", "csv", "--profile", "bri",
		"--account", "0123-01-000123-30-1", "--agency", "DISPERINDAGKOP-KALTIM", "--as", "admin@pilar.test")
	if !strings.Contains(out, "3 lines, opening 100000000.00, closing 97600000.00, balanced") {
		t.Errorf("BRI profile:\n%s", out)
	}
}
