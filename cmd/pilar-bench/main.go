// Command pilar-bench measures Pilar against the raw limits of the same
// run on a generated data set (see docs/BENCHMARKS.md):
//
//	go run ./cmd/pilar-bench [-n 20000] [-engine sqlite|postgres] [-dsn DSN] [-only import,reports,recon,export,load] [-keep]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"pilar/internal/bench"
)

func main() {
	var opt bench.Options
	var only string
	flag.IntVar(&opt.N, "n", 20000, "disbursements to generate (recipients: n/3)")
	flag.StringVar(&opt.Engine, "engine", "sqlite", "sqlite or postgres")
	flag.StringVar(&opt.DSN, "dsn", os.Getenv("PILAR_BENCH_DSN"), "postgres: the database to make fresh schemas in (dropped at the end)")
	flag.StringVar(&only, "only", "", "comma-separated workloads: "+strings.Join(bench.Workloads, ","))
	flag.StringVar(&opt.Dir, "dir", "", "directory for the files and SQLite databases (default: a temporary one, removed)")
	flag.IntVar(&opt.Clients, "clients", 32, "concurrent clients of the load workload")
	flag.DurationVar(&opt.Load, "load", 10*time.Second, "how long the load workload runs each way")
	flag.BoolVar(&opt.Keep, "keep", false, "keep Pilar's loaded database (PostgreSQL schema bench_keep_<n>, SQLite DIR/pilar.db) and reuse it next time; not with import")
	flag.BoolVar(&opt.CopyOnly, "copy-only", false, "postgres: set the imports beside COPY only, without the one-statement insert (about 400 rows/s at 200,000 rows: 40 minutes at a million)")
	flag.StringVar(&opt.CPUProfile, "cpuprofile", "", "write a CPU profile of the workloads (after the data is loaded) to this file")
	flag.Parse()
	if opt.Engine != "sqlite" && opt.Engine != "postgres" {
		fmt.Fprintln(os.Stderr, "pilar-bench: -engine must be sqlite or postgres")
		os.Exit(2)
	}
	if opt.Engine == "postgres" && opt.DSN == "" {
		fmt.Fprintln(os.Stderr, "pilar-bench: -engine postgres needs -dsn (or PILAR_BENCH_DSN)")
		os.Exit(2)
	}
	if opt.CopyOnly && opt.Engine != "postgres" {
		fmt.Fprintln(os.Stderr, "pilar-bench: -copy-only is for -engine postgres")
		os.Exit(2)
	}
	if only != "" {
		opt.Only = strings.Split(only, ",")
	}
	opt.Out = os.Stdout
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Println(bench.Header)
	if _, err := bench.Run(ctx, opt); err != nil {
		fmt.Fprintln(os.Stderr, "pilar-bench:", err)
		os.Exit(1)
	}
}
