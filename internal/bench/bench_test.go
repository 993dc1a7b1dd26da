package bench_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"pilar/internal/bench"
	"pilar/internal/dbtest"
	"pilar/internal/export"
	"pilar/internal/finance"
	"pilar/internal/report"
)

// TestRun runs every workload at a tiny size on the test engine, so that
// pilar-bench keeps working; it checks what ran and that it was right,
// never how fast.
func TestRun(t *testing.T) {
	opt := bench.Options{N: 300, Engine: "sqlite", Dir: t.TempDir(), Clients: 4, Load: 300 * time.Millisecond}
	if dbtest.Engine() == "postgres" {
		opt.Engine, opt.DSN = "postgres", os.Getenv(dbtest.EnvPostgres)
	}
	var out strings.Builder
	opt.Out = &out
	rows, err := bench.Run(context.Background(), opt)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	byName := map[string]bench.Row{}
	for _, r := range rows {
		byName[r.Workload] = r
		if r.Pilar <= 0 {
			t.Errorf("%s: no figure: %s", r.Workload, bench.Format(r))
		}
	}
	for _, w := range []string{"import recipients (rows/s)", "import disbursements --historical", "realization by program", "realization by month",
		"coverage by program", "overlaps", "registry by kind", "reconciliation (store.RunReconciliation)", "export CSV (rows/s)", "export XLSX (rows/s)",
		"HTTP create, 4 clients (req/s)", "HTTP realization, 4 clients (req/s)"} {
		if _, ok := byName[w]; !ok {
			t.Errorf("no %q row in\n%s", w, out.String())
		}
	}
	for w, want := range map[string]string{
		"import recipients (rows/s)":               "created 99, skipped 1, failed 0",
		"import disbursements --historical":        "created 300, skipped 0, failed 0",
		"reconciliation (store.RunReconciliation)": "precision 1.00000",
		"export CSV (rows/s)":                      "300 rows",
		"registry by kind":                         "99 rows", // every recipient's history row, as of today where the offices are
	} {
		if !strings.Contains(byName[w].Note, want) {
			t.Errorf("%s: %q, want %q", w, byName[w].Note, want)
		}
	}
	if strings.Contains(out.String(), "failed, first") {
		t.Errorf("requests failed:\n%s", out.String())
	}
}

// TestRun_Only runs the reports alone on data loaded the raw way.
func TestRun_Only(t *testing.T) {
	opt := bench.Options{N: 200, Engine: "sqlite", Dir: t.TempDir(), Only: []string{"reports"}}
	if dbtest.Engine() == "postgres" {
		opt.Engine, opt.DSN = "postgres", os.Getenv(dbtest.EnvPostgres)
	}
	rows, err := bench.Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || !strings.HasPrefix(rows[0].Workload, "realization") {
		t.Fatalf("rows: %v", rows)
	}
	if _, err := bench.Run(context.Background(), bench.Options{N: 10, Engine: "sqlite", Dir: t.TempDir(), Only: []string{"nothing"}}); err == nil {
		t.Fatal("an unknown workload ran")
	}
}

// BenchmarkReports builds every report kind and group_by through the
// store on 20,000 disbursements (-benchtime as usual):
//
//	go test ./internal/bench -run '^$' -bench BenchmarkReports
func BenchmarkReports(b *testing.B) {
	st := dbtest.Open(b)
	ctx, err := bench.Populate(context.Background(), st, 20000, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range report.Kinds {
		groups := k.Groups
		if groups == nil {
			groups = []string{""}
		}
		for _, g := range groups {
			f := report.Filter{Year: bench.ReportYear, GroupBy: g}
			b.Run(k.Name+"/"+g, func(b *testing.B) {
				for b.Loop() {
					if _, err := k.Build(ctx, st, f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkExportDisbursements streams 20,000 disbursements from the
// store through the CSV and XLSX encoders into nowhere.
func BenchmarkExportDisbursements(b *testing.B) {
	st := dbtest.Open(b)
	ctx, err := bench.Populate(context.Background(), st, 20000, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				enc, err := export.NewDisbursements(io.Discard, format, "id", export.Plain)
				if err != nil {
					b.Fatal(err)
				}
				err = st.ExportDisbursements(ctx, finance.DisbursementFilter{}, enc.Encode)
				if err == nil {
					err = enc.Close()
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
