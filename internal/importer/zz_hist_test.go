package importer_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pilar/internal/importer"
)

func BenchmarkHistoricalTmp(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000} {
		w, _ := scaleWorld(b, n)
		path := filepath.Join(b.TempDir(), "h.csv")
		f, _ := os.Create(path)
		bw := bufio.NewWriter(f)
		bw.WriteString("program_code;recipient_nik;amount;disbursed_on;tranche;payment_ref;paid_on\n")
		for i := 0; i < n; i++ {
			r, t := i%1000+1, i/1000%99+1
			fmt.Fprintf(bw, "SCALE-00;64720145068%05d;2.400.000;12/07/2024;%d;TRX-%d;2024-07-15\n", r, t, i)
		}
		bw.Flush()
		f.Close()
		g, _ := os.Open(path)
		start := time.Now()
		res, err := importer.Import(w.Ctx(w.Admin), w.Store, g, importer.Options{Kind: importer.Disbursements, Historical: true, FileName: "h.csv", SHA256: "x"})
		g.Close()
		if err != nil || res.Created != n {
			b.Fatalf("%v %+v", err, res)
		}
		b.Logf("%d rows: %s (%.0f rows/s)", n, time.Since(start), float64(n)/time.Since(start).Seconds())
	}
}
