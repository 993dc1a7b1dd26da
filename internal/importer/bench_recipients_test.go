package importer_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/importer"
)

// recipientsFile writes a recipients CSV of n umkm rows (one NIK in a
// hundred repeated from the row before, as pilar-bench's file has some).
func recipientsFile(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "recipients.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	bw.WriteString("kind,name,owner_name,nik,sector,size_class,region_code,address,phone\n")
	for i := 1; i <= n; i++ {
		k := i
		if i%100 == 0 {
			k = i - 1
		}
		// Born 5 June 19yy (a woman: day + 40), serial 1-9999.
		fmt.Fprintf(bw, "umkm,Usaha %d,Ibu %d,6472014506%02d%04d,kuliner,mikro,64.72,Jl. Pahlawan %d,0812%08d\n", i, i, k/9999%100, k%9999+1, i, i)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path
}

// BenchmarkImportRecipients imports a b.N-row recipients CSV into a fresh
// database, then the raw limit of the same run: the same rows read from
// the file with encoding/csv and inserted (repeated NIKs skipped, a
// history row each) into another fresh database with plain database/sql,
// one prepared statement per table in one transaction; ratio is the
// import's rate over the raw one, cpu-ratio the same per CPU second of
// this process, which the other work on a shared machine moves less.
func BenchmarkImportRecipients(b *testing.B) {
	path := recipientsFile(b, b.N)
	w := dbtest.NewWorld(b)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime()
	res, err := importer.Import(w.Ctx(w.Officer), w.Store, f, importer.Options{Kind: importer.Recipients})
	took, cpu := time.Since(start), cpuTime()-cpu
	b.StopTimer()
	if err != nil || res.Created+res.Skipped != b.N || res.Failed != 0 {
		b.Fatalf("import: %v %+v", err, res.Errors[:min(3, len(res.Errors))])
	}
	rate := float64(b.N) / took.Seconds()
	b.ReportMetric(rate, "rows/s")
	rawTook, rawCPU := rawRecipients(b, path)
	raw := float64(b.N) / rawTook.Seconds()
	b.ReportMetric(raw, "raw-tx-rows/s")
	b.ReportMetric(rate/raw, "ratio")
	b.ReportMetric(rawCPU.Seconds()/cpu.Seconds(), "cpu-ratio")
}

// rawRecipients is BenchmarkImportRecipients' raw limit, with the time
// and the CPU time it took.
func rawRecipients(b *testing.B, path string) (time.Duration, time.Duration) {
	b.Helper()
	w := dbtest.NewWorld(b)
	ctx := context.Background()
	db, err := w.Store.DB()
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start, cpu := time.Now(), cpuTime()
	r := csv.NewReader(bufio.NewReader(f))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		b.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	marks := func(n int) string {
		m := make([]string, n)
		for i := range m {
			m[i] = "?"
			if dbtest.Engine() == "postgres" {
				m[i] = fmt.Sprintf("$%d", i+1)
			}
		}
		return strings.Join(m, ",")
	}
	rec, err := tx.Prepare("INSERT INTO recipients (id, kind, name, owner_name, nik, sector, size_class, region_code, address, phone, created_at, updated_at) VALUES (" + marks(12) + ")")
	if err != nil {
		b.Fatal(err)
	}
	hist, err := tx.Prepare("INSERT INTO recipient_history (recipient_id, valid_from, size_class, created_at) VALUES (" + marks(4) + ")")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	today := now.Format(time.DateOnly)
	ids := map[string]int64{}
	for {
		c, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if _, dup := ids[c[3]]; dup {
			continue
		}
		id := int64(len(ids) + 1)
		ids[c[3]] = id
		phone, _ := finance.NormalizePhone(c[8])
		if _, err := rec.ExecContext(ctx, id, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], phone, now, now); err != nil {
			b.Fatal(err)
		}
		if _, err := hist.ExecContext(ctx, id, today, c[5], now); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start), cpuTime() - cpu
}
