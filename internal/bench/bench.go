// Package bench is pilar-bench: it generates a data set (internal/benchgen),
// runs Pilar's workloads on it — import, reports over HTTP, reconciliation,
// exports, concurrent clients — and, in the same run on the same data, the
// raw limit of each (plain database/sql, COPY, the plain SQL aggregate),
// and prints them side by side as a ratio with the peak RSS of each.
package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the schema set-up connection on PostgreSQL

	"pilar/internal/benchgen"
	"pilar/internal/config"
	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/store"
	"pilar/internal/web"
)

// Workloads are the workload names -only takes, in the order they run.
var Workloads = []string{"import", "reports", "recon", "export", "load"}

// Options are pilar-bench's flags.
type Options struct {
	N       int      // disbursements
	Engine  string   // sqlite or postgres
	DSN     string   // PostgreSQL: the database a fresh schema is made in
	Only    []string // workloads to run; all when empty
	Dir     string   // where the files and SQLite databases go; a temporary directory when empty
	Clients int      // concurrent clients of the load workload
	Load    time.Duration
	Seed    uint64
	Out     io.Writer
	// CopyOnly (PostgreSQL) sets the imports beside COPY only, without
	// the one-statement insert, which program_totals' statement trigger
	// makes too slow for a million rows.
	CopyOnly bool
	// CPUProfile is a file for a CPU profile of the workloads (server and
	// clients, after the data is loaded); none when empty.
	CPUProfile string
	// Keep keeps Pilar's loaded database after the run (on PostgreSQL the
	// schema bench_keep_<N>, on SQLite Dir/pilar.db) and reuses it when a
	// later run with the same N finds it, so the load of a large set is
	// paid once. It holds what earlier runs' workloads wrote, so it is for
	// the read-only workloads (reports, export); not with import.
	Keep bool
}

// Row is one line of the result table.
type Row struct {
	Workload string
	Pilar    float64 // seconds, or a rate when Unit is per second
	Raw      float64 // the raw limit in the same unit; 0 when none
	Unit     string  // "s" or "rows/s" or "req/s"
	RSS      uint64  // peak RSS during the workload, bytes
	Note     string
}

// Ratio is how Pilar compares with the raw limit: time over raw time
// (above 1: slower), or rate over raw rate (below 1: slower).
func (r Row) Ratio() float64 {
	if r.Raw == 0 {
		return 0
	}
	return r.Pilar / r.Raw
}

// run is one benchmark run: the data set and the two databases.
type run struct {
	opt    Options
	set    *benchgen.Set
	st     *store.Store // Pilar's database
	db     *sql.DB      // the same database, for the raw queries
	admin  *finance.User
	ctx    context.Context // acting as admin
	token  string
	base   string // http://127.0.0.1:port
	srv    *http.Server
	rows   []Row
	closer []func()
}

// Run runs the workloads and returns the table (also printed to opt.Out
// as it goes). Errors: the first workload that fails.
func Run(ctx context.Context, opt Options) ([]Row, error) {
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	if opt.Clients == 0 {
		opt.Clients = 32
	}
	if opt.Load == 0 {
		opt.Load = 10 * time.Second
	}
	if opt.Seed == 0 {
		opt.Seed = benchgen.Seed
	}
	for _, w := range opt.Only {
		if !slices.Contains(Workloads, w) {
			return nil, fmt.Errorf("bench: no workload %q (have %s)", w, strings.Join(Workloads, ", "))
		}
	}
	r := &run{opt: opt}
	if opt.Keep && (r.wants("import") || opt.Engine == "sqlite" && opt.Dir == "") {
		return nil, fmt.Errorf("bench: -keep needs -only without import (and -dir on SQLite)")
	}
	defer r.close()
	if opt.Dir == "" {
		dir, err := os.MkdirTemp("", "pilar-bench-")
		if err != nil {
			return nil, err
		}
		r.closer = append(r.closer, func() { os.RemoveAll(dir) })
		r.opt.Dir = dir
	} else if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, err
	}
	start := time.Now()
	set, err := benchgen.Generate(r.opt.Dir, opt.N, opt.Seed)
	if err != nil {
		return nil, err
	}
	r.set = set
	fmt.Fprintf(opt.Out, "pilar-bench: %s, N=%d disbursements, %d recipient rows (%d repeated NIKs), %d programs; generated in %s\n",
		opt.Engine, opt.N, set.Recipients, set.RepeatedNIKs, len(set.Programs), time.Since(start).Round(time.Millisecond))
	if r.st, err = r.open(ctx, "pilar"); err != nil {
		return nil, err
	}
	if r.db, err = r.st.DB(); err != nil {
		return nil, err
	}
	reused, err := r.reuse(ctx)
	switch {
	case err != nil:
		return nil, err
	case reused:
		fmt.Fprintf(opt.Out, "pilar-bench: reusing the kept database, %d disbursements\n", opt.N)
	default:
		if err := r.load(ctx); err != nil {
			return nil, err
		}
	}
	if r.opt.Engine == "postgres" {
		// What autovacuum does after a bulk load, before anything is asked:
		// statistics for the planner, and the visibility map that lets an
		// index-only scan skip the table (on a kept database too: a newer
		// migration may have added statistics to gather).
		if _, err := r.db.ExecContext(ctx, "VACUUM ANALYZE disbursements, recipients, recipient_history, programs"); err != nil {
			return nil, err
		}
	}
	if err := r.serve(); err != nil {
		return nil, err
	}
	if opt.CPUProfile != "" {
		f, err := os.Create(opt.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	if !r.wants("recon") {
		r.dropTruth()
	}
	for _, w := range []struct {
		name string
		fn   func(context.Context) error
	}{{"reports", r.reportsWorkload}, {"recon", r.reconWorkload}, {"export", r.exportWorkload}, {"load", r.loadWorkload}} {
		if r.wants(w.name) {
			if err := w.fn(ctx); err != nil {
				return nil, fmt.Errorf("%s: %w", w.name, err)
			}
		}
		if w.name == "recon" {
			r.dropTruth()
		}
	}
	fmt.Fprintf(opt.Out, "total %s\n", time.Since(start).Round(time.Second))
	return r.rows, nil
}

// dropTruth drops the statements' truth (a string per line, about 40 MiB
// at N = 1,000,000), the generator's data for scoring the reconciliation:
// the other workloads should not carry it in their peak RSS, nor the
// garbage collector's headroom over it, nor its pointers in the marking of
// every collection (run without recon, the reports paid for it, about
// 45 ms of CPU in every request).
func (r *run) dropTruth() {
	for i := range r.set.Statements {
		r.set.Statements[i].Truth, r.set.Statements[i].Matchable = nil, nil
	}
}

func (r *run) wants(w string) bool { return len(r.opt.Only) == 0 || slices.Contains(r.opt.Only, w) }

func (r *run) close() {
	if r.srv != nil {
		r.srv.Close()
	}
	for i := len(r.closer) - 1; i >= 0; i-- {
		r.closer[i]()
	}
}

// open opens a fresh, migrated database: a SQLite file in the run's
// directory, or a new schema on PostgreSQL (dropped at the end).
func (r *run) open(ctx context.Context, name string) (*store.Store, error) {
	dsn := filepath.Join(r.opt.Dir, name+".db")
	if r.opt.Engine == "postgres" {
		b := make([]byte, 4)
		rand.Read(b)
		schema := "bench_" + name + "_" + hex.EncodeToString(b)
		keep := r.opt.Keep && name == "pilar"
		if keep {
			schema = "bench_keep_" + strconv.Itoa(r.opt.N)
		}
		admin, err := sql.Open("pgx", r.opt.DSN)
		if err != nil {
			return nil, err
		}
		if _, err := admin.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+schema); err != nil {
			admin.Close()
			return nil, err
		}
		r.closer = append(r.closer, func() {
			if !keep {
				admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			}
			admin.Close()
		})
		dsn = r.opt.DSN + " search_path=" + schema
		if strings.Contains(r.opt.DSN, "://") {
			sep := "?"
			if strings.Contains(r.opt.DSN, "?") {
				sep = "&"
			}
			dsn = r.opt.DSN + sep + "search_path=" + schema
		}
	}
	st, err := store.OpenMigrated(ctx, r.opt.Engine, dsn)
	if err != nil {
		return nil, err
	}
	r.closer = append(r.closer, func() { st.Close() })
	return st, nil
}

// load adds the admin, the agencies and the programs, then the recipients
// and disbursements: by the import workload, or else by the raw insert.
func (r *run) load(ctx context.Context) error {
	var err error
	if r.admin, r.ctx, err = setup(ctx, r.st, r.set.Programs); err != nil {
		return err
	}
	if r.wants("import") {
		if err := r.importWorkload(ctx); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	} else if err := rawLoad(r.ctx, r.db, r.opt.Engine, r.set, r.admin.ID); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	return nil
}

// reuse finds the admin and the set of a kept database (Options.Keep)
// and acts as them; false when the database is new. Errors: a kept
// database holding another number of disbursements (a load that did not
// finish, or another N), which is left for the person to drop.
func (r *run) reuse(ctx context.Context) (bool, error) {
	if !r.opt.Keep {
		return false, nil
	}
	admin, err := r.st.FindUserByEmail(finance.WithActor(ctx, finance.System), benchAdmin)
	if finance.ErrorCode(err) == finance.ENotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	var n int
	if err := r.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM disbursements").Scan(&n); err != nil {
		return false, err
	}
	if n != r.opt.N {
		return false, fmt.Errorf("bench: the kept database holds %d disbursements, not %d: drop it (schema bench_keep_%d, or %s) and run again", n, r.opt.N, r.opt.N, filepath.Join(r.opt.Dir, "pilar.db"))
	}
	r.admin, r.ctx = admin, finance.WithActor(ctx, admin.Actor())
	return true, nil
}

// benchAdmin is the email of the admin setup adds.
const benchAdmin = "bench@pilar.test"

// setup adds an admin, the agencies and the programs of the set through
// the store, and returns the admin and a context acting as them.
func setup(ctx context.Context, st *store.Store, programs []benchgen.Program) (*finance.User, context.Context, error) {
	admin, err := st.CreateUser(finance.WithActor(ctx, finance.System), finance.UserInput{
		Email: benchAdmin, Name: "Bench", Role: finance.RoleAdmin, Password: "pilar-bench-password"})
	if err != nil {
		return nil, nil, err
	}
	actx := finance.WithActor(ctx, admin.Actor())
	for _, a := range benchgen.Agencies {
		if _, err := st.CreateAgency(actx, finance.AgencyInput{Code: &a.Code, Name: &a.Name, RegionCode: &a.Region}); err != nil {
			return nil, nil, err
		}
	}
	for _, p := range programs {
		if err := createProgram(actx, st, p); err != nil {
			return nil, nil, err
		}
	}
	return admin, actx, nil
}

func createProgram(ctx context.Context, st *store.Store, p benchgen.Program) error {
	budget := money.Raw(money.FromSen(p.BudgetSen).String())
	in := finance.ProgramInput{Code: &p.Code, Name: &p.Name, Kind: &p.Kind, FundingSource: &p.FundingSource, Agency: &p.Agency,
		FiscalYear: &p.Year, Budget: &budget, TargetRecipients: &p.Target, StartsOn: &p.StartsOn, EndsOn: &p.EndsOn}
	if p.EligibleSizeClasses != nil {
		in.EligibleSizeClasses = &p.EligibleSizeClasses
	}
	_, err := st.CreateProgram(ctx, in)
	return err
}

// serve starts the real web server (web.New, the real router) on
// 127.0.0.1 over Pilar's store, with an API token for the admin.
func (r *run) serve() error {
	cfg := config.Default()
	cfg.Database.Driver = r.opt.Engine
	w, err := web.New(r.st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	if r.token, _, err = r.st.CreateToken(r.ctx, r.admin.Email, "pilar-bench"); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	r.srv = &http.Server{Handler: w.Echo, ReadHeaderTimeout: 10 * time.Second}
	go r.srv.Serve(ln)
	r.base = "http://" + ln.Addr().String()
	return nil
}

// get fetches path as the admin and returns the bytes read.
func (r *run) get(ctx context.Context, c *http.Client, path string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", r.base+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		return n, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return n, err
}

// add records a row and prints it.
func (r *run) add(row Row) {
	r.rows = append(r.rows, row)
	fmt.Fprintln(r.opt.Out, Format(row))
}

// Format is one row of the table as text.
func Format(row Row) string {
	val := func(v float64) string {
		if row.Unit == "s" && v < 1 {
			return strconv.FormatFloat(v*1000, 'f', 1, 64) + " ms"
		}
		if row.Unit == "s" {
			return strconv.FormatFloat(v, 'f', 2, 64) + " s"
		}
		return strconv.FormatFloat(v, 'f', 0, 64) + " " + row.Unit
	}
	raw, ratio := "-", "-"
	if row.Raw != 0 {
		raw, ratio = val(row.Raw), strconv.FormatFloat(row.Ratio(), 'f', 2, 64)
	}
	return fmt.Sprintf("| %-34s | %14s | %14s | %6s | %4d MiB | %s", row.Workload, val(row.Pilar), raw, ratio, row.RSS>>20, row.Note)
}

// Header is the table's header, in the same layout as Format.
const Header = "| workload                           |          Pilar |      raw limit |  ratio | peak RSS | note\n" +
	"| --- | --- | --- | --- | --- | --- |"

// Populate fills a fresh, migrated store with the set of n disbursements
// (files written to dir) the way pilar-bench loads it when the import is
// not measured: agencies and programs through the store, recipients and
// paid disbursements with plain SQL. It returns a context acting as the
// admin it adds, for go test -bench benchmarks of the report and export
// paths. Errors: those of the generator and the database.
func Populate(ctx context.Context, st *store.Store, n int, dir string) (context.Context, error) {
	set, err := benchgen.Generate(dir, n, benchgen.Seed)
	if err != nil {
		return nil, err
	}
	admin, actx, err := setup(ctx, st, set.Programs)
	if err != nil {
		return nil, err
	}
	db, err := st.DB()
	if err != nil {
		return nil, err
	}
	return actx, rawLoad(ctx, db, st.Driver(), set, admin.ID)
}
