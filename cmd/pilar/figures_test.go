package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// `pilar import figures` enters the yearly figures of recipients already
// registered, reports refused rows with exit 1, skips them on a second run,
// and the registry report as of their date shows them.
func TestCLI_ImportFigures(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	recipients := filepath.Join(dir, "recipients.csv")
	os.WriteFile(recipients, []byte("kind,name,nik,size_class,workforce,valid_from\numkm,Amplang,6472014506850001,mikro,2,2022-06-30\n"), 0o600)
	c.must("", "import", "recipients", recipients)
	figures := filepath.Join(dir, "figures.csv")
	os.WriteFile(figures, []byte("nik;valid_from;size_class;workforce\n6472014506850001;31/12/2023;kecil;5\n6472014506850001;2023-12-31;;x\n"), 0o600)
	want := "created 1, updated 0, skipped 0, failed 1 (of 2 rows)\nrow 3: workforce: must be a whole number\n"
	if code, out, _ := c.run("", "import", "figures", figures); code != 1 || out != want {
		t.Fatalf("import figures: exit %d\n%s\nwant\n%s", code, out, want)
	}
	if _, out, _ := c.run("", "import", "figures", figures); out[:len("created 0, updated 0, skipped 1, failed 1")] != "created 0, updated 0, skipped 1, failed 1" {
		t.Fatalf("re-import: %q", out)
	}
	var rep struct {
		Totals struct {
			Count     int `json:"count"`
			Workforce int `json:"workforce"`
			NaikKelas int `json:"naik_kelas"`
		} `json:"totals"`
	}
	out := c.must("", "report", "registry", "--as-of", "2023-12-31", "--group-by", "size_class", "--format", "json")
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Totals.Count != 1 || rep.Totals.Workforce != 5 || rep.Totals.NaikKelas != 1 {
		t.Fatalf("registry as of 2023-12-31: %+v, %v\n%s", rep.Totals, err, out)
	}
}
