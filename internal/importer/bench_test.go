package importer_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/importer"
	"pilar/internal/money"
)

// scaleWorld registers the recipients and programs a disbursement file of
// n rows needs: each row is one (program, recipient, tranche) of 1000
// recipients, 99 tranches and as many programs as that takes.
func scaleWorld(tb testing.TB, n int) (*dbtest.World, string) {
	tb.Helper()
	w := dbtest.NewWorld(tb)
	const recipients, tranches = 1000, 99
	var rec strings.Builder
	rec.WriteString("kind,name,nik\n")
	for i := 1; i <= recipients; i++ {
		fmt.Fprintf(&rec, "umkm,Usaha %d,64720145068%05d\n", i, i)
	}
	if res, err := importer.Import(w.Ctx(w.Admin), w.Store, strings.NewReader(rec.String()), importer.Options{Kind: importer.Recipients}); err != nil || res.Created != recipients {
		tb.Fatalf("recipients: %v %+v", err, res)
	}
	programs := (n + recipients*tranches - 1) / (recipients * tranches)
	for p := 0; p < programs; p++ {
		_, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
			Code: ptr(fmt.Sprintf("SCALE-%02d", p)), Name: ptr("Scale"), Kind: ptr("grant"), FundingSource: ptr("PEN"),
			Agency: ptr(w.Agency.Code), FiscalYear: ptr(2024), Budget: ptr(money.Raw("1000000000000000")),
			StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31"),
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	path := filepath.Join(tb.TempDir(), "disbursements.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	bw.WriteString("program_code;recipient_nik;amount;disbursed_on;tranche;payment_ref\n")
	for i := 0; i < n; i++ {
		r, t, p := i%recipients+1, i/recipients%tranches+1, i/(recipients*tranches)
		fmt.Fprintf(bw, "SCALE-%02d;64720145068%05d;2.400.000;12/07/2024;%d;TRX-%d\n", p, r, t, i)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return w, path
}

// heapSampler records the largest HeapInuse seen while it runs.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return h
}

func (h *heapSampler) done() uint64 { close(h.stop); return h.peak.Load() }

// cpuTime is the CPU time (user and system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runScale imports the file and says how long it took, the CPU time it
// used (this process's, every goroutine) and the peak heap.
func runScale(tb testing.TB, w *dbtest.World, path string, n int) (time.Duration, time.Duration, uint64) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	heap := sampleHeap()
	start, cpu := time.Now(), cpuTime()
	res, err := importer.Import(w.Ctx(w.Officer), w.Store, f, importer.Options{Kind: importer.Disbursements})
	took, cpu := time.Since(start), cpuTime()-cpu
	peak := heap.done()
	if err != nil || res.Created != n {
		tb.Fatalf("import: %v created %d of %d; %+v", err, res.Created, n, res.Errors[:min(3, len(res.Errors))])
	}
	return took, cpu, peak
}

// BenchmarkImportDisbursements imports a b.N-row disbursement CSV
// (Indonesian amounts and dates, semicolons) into a fresh database, then
// the raw limit of the same run: the same rows read from the same file and
// inserted into another fresh database with plain database/sql, one
// prepared statement in one transaction (and on PostgreSQL also pgx
// CopyFrom), and the ratio of the import's rate to the fastest raw one;
// cpu-ratio is the same ratio per CPU second (this process's), which the
// other work on a shared machine moves less than the wall clock.
func BenchmarkImportDisbursements(b *testing.B) {
	w, path := scaleWorld(b, b.N)
	b.ResetTimer()
	took, cpu, peak := runScale(b, w, path, b.N)
	b.StopTimer()
	rate := float64(b.N) / took.Seconds()
	b.ReportMetric(rate, "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	rawTook, rawCPU := rawInsert(b, path, b.N, false)
	raw := float64(b.N) / rawTook.Seconds()
	b.ReportMetric(raw, "raw-tx-rows/s")
	b.ReportMetric(rawCPU.Seconds()/cpu.Seconds(), "cpu-ratio")
	if dbtest.Engine() == "postgres" {
		copyTook, _ := rawInsert(b, path, b.N, true)
		copied := float64(b.N) / copyTook.Seconds()
		b.ReportMetric(copied, "raw-copy-rows/s")
		raw = max(raw, copied)
	}
	b.ReportMetric(rate/raw, "ratio")
}

// rawInsert is the raw limit: it reads the file scaleWorld wrote and
// inserts its rows as drafts into a fresh world of the same shape, without
// checks or audit, in one transaction through one prepared INSERT (or, with
// copy, pgx CopyFrom), and says how long the reading and writing took and
// the CPU time they used.
func rawInsert(b *testing.B, path string, n int, copy bool) (time.Duration, time.Duration) {
	b.Helper()
	w, _ := scaleWorld(b, 0)
	ctx := context.Background()
	db, err := w.Store.DB()
	if err != nil {
		b.Fatal(err)
	}
	programs := (n + 1000*99 - 1) / (1000 * 99)
	for p := 0; p < programs; p++ {
		if _, err := w.Store.CreateProgram(w.Ctx(w.Admin), finance.ProgramInput{
			Code: ptr(fmt.Sprintf("SCALE-%02d", p)), Name: ptr("Scale"), Kind: ptr("grant"), FundingSource: ptr("PEN"),
			Agency: ptr(w.Agency.Code), FiscalYear: ptr(2024), Budget: ptr(money.Raw("1000000000000000")),
			StartsOn: ptr("2024-01-01"), EndsOn: ptr("2024-12-31"),
		}); err != nil {
			b.Fatal(err)
		}
	}
	ids := func(q string) map[string]int64 {
		rows, err := db.Query(q)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		m := map[string]int64{}
		for rows.Next() {
			var k string
			var id int64
			if err := rows.Scan(&k, &id); err != nil {
				b.Fatal(err)
			}
			m[k] = id
		}
		return m
	}
	programID, recipientID := ids("SELECT code, id FROM programs"), ids("SELECT nik, id FROM recipients")
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start, cpu := time.Now(), cpuTime()
	r := csv.NewReader(bufio.NewReader(f))
	r.Comma = ';'
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	next := func() ([]any, bool) {
		rec, err := r.Read()
		if err == io.EOF {
			return nil, false
		}
		if err != nil {
			b.Fatal(err)
		}
		rupiah, err := strconv.ParseInt(strings.ReplaceAll(rec[2], ".", ""), 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		day, err := time.Parse("2/1/2006", rec[3])
		if err != nil {
			b.Fatal(err)
		}
		tranche, _ := strconv.Atoi(rec[4])
		return []any{programID[rec[0]], recipientID[rec[1]], rupiah * 100, tranche, day.Format("2006-01-02"), rec[5], w.Officer.ID, now, now}, true
	}
	cols := []string{"program_id", "recipient_id", "amount", "tranche", "disbursed_on", "payment_ref", "created_by_id", "created_at", "updated_at"}
	if copy {
		conn, err := db.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		err = conn.Raw(func(dc any) error {
			src := pgx.CopyFromFunc(func() ([]any, error) {
				row, ok := next()
				if !ok {
					return nil, nil
				}
				return row, nil
			})
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"disbursements"}, cols, src)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	} else {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		marks := "?,?,?,?,?,?,?,?,?"
		if dbtest.Engine() == "postgres" {
			marks = "$1,$2,$3,$4,$5,$6,$7,$8,$9"
		}
		st, err := tx.Prepare("INSERT INTO disbursements (" + strings.Join(cols, ",") + ") VALUES (" + marks + ")")
		if err != nil {
			b.Fatal(err)
		}
		for row, ok := next(); ok; row, ok = next() {
			if _, err := st.Exec(row...); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	took, cpu := time.Since(start), cpuTime()-cpu
	var got int
	if err := db.QueryRow("SELECT COUNT(*) FROM disbursements").Scan(&got); err != nil || got != n {
		b.Fatalf("raw insert: %d rows, %v; want %d", got, err, n)
	}
	return took, cpu
}

// TestImportScale is the 1,000,000-row run of docs/BENCHMARKS.md; it runs
// only with PILAR_SCALE=1 (PILAR_SCALE_ROWS changes the size), and prints
// the rate, the peak heap and the peak RSS.
func TestImportScale(t *testing.T) {
	if os.Getenv("PILAR_SCALE") != "1" {
		t.Skip("set PILAR_SCALE=1 to run the 1,000,000-row import")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("PILAR_SCALE_ROWS")); err == nil {
		n = v
	}
	w, path := scaleWorld(t, n)
	fi, _ := os.Stat(path)
	took, cpu, peak := runScale(t, w, path, n)
	status, _ := os.ReadFile("/proc/self/status")
	var hwm string
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			hwm = strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	t.Logf("%s: %d rows (%.0f MiB) in %s (CPU %s): %.0f rows/s; peak HeapInuse %.1f MiB; peak RSS %s",
		dbtest.Engine(), n, float64(fi.Size())/(1<<20), took.Round(time.Second), cpu.Round(time.Second), float64(n)/took.Seconds(), float64(peak)/(1<<20), hwm)
}
