package importer_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

func runScale(tb testing.TB, w *dbtest.World, path string, n int) (time.Duration, uint64) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	heap := sampleHeap()
	start := time.Now()
	res, err := importer.Import(w.Ctx(w.Officer), w.Store, f, importer.Options{Kind: importer.Disbursements})
	took := time.Since(start)
	peak := heap.done()
	if err != nil || res.Created != n {
		tb.Fatalf("import: %v created %d of %d; %+v", err, res.Created, n, res.Errors[:min(3, len(res.Errors))])
	}
	return took, peak
}

// BenchmarkImportDisbursements imports a b.N-row disbursement CSV
// (Indonesian amounts and dates, semicolons) into a fresh database.
func BenchmarkImportDisbursements(b *testing.B) {
	w, path := scaleWorld(b, b.N)
	b.ResetTimer()
	took, peak := runScale(b, w, path, b.N)
	b.ReportMetric(float64(b.N)/took.Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
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
	took, peak := runScale(t, w, path, n)
	status, _ := os.ReadFile("/proc/self/status")
	var hwm string
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			hwm = strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	t.Logf("%s: %d rows (%.0f MiB) in %s: %.0f rows/s; peak HeapInuse %.1f MiB; peak RSS %s",
		dbtest.Engine(), n, float64(fi.Size())/(1<<20), took.Round(time.Second), float64(n)/took.Seconds(), float64(peak)/(1<<20), hwm)
}
