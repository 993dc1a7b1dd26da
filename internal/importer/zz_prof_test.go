package importer_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"pilar/internal/importer"
)

func TestZZHistProf(t *testing.T) {
	w, path := scaleWorld(t, 100000)
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	lines[0] += ";paid_on"
	for i := 1; i < len(lines); i++ {
		lines[i] += ";15/07/2024"
	}
	os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	f, _ := os.Open(path)
	defer f.Close()
	start, cpu := time.Now(), cpuTime()
	res, err := importer.Import(w.Ctx(w.Admin), w.Store, f, importer.Options{Kind: importer.Disbursements, Historical: true, FileName: "x", SHA256: "00"})
	if err != nil || res.Created != 100000 {
		t.Fatal(err, res.Created, res.Errors[:min(3, len(res.Errors))])
	}
	t.Logf("took %v cpu %v", time.Since(start), cpuTime()-cpu)
}
