// Command pilar runs Pilar: the web server and the command-line tasks of
// API.md (serve, migrate, demo, user add, token create).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"pilar/internal/app"
	"pilar/internal/config"
	"pilar/internal/demo"
	"pilar/internal/finance"
	"pilar/internal/logging"
	"pilar/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Env: os.Environ()}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Main is one run of the command, with its streams and environment, so
// tests can run it in-process.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Env            []string
}

const usage = `usage: pilar <command> [flags]

  serve   [--config FILE] [--addr :8080] [--demo]   migrate, then serve (--demo loads the demo data first)
  migrate [--config FILE]
  demo    [--config FILE]                          load the demo data set (idempotent)
  user add --email E --name N --role R [--agency CODE]   password: one line on stdin, 10+ characters
  token create --email E [--label L]               print a new API token once
  import recipients|disbursements FILE [--atomic] [--update] [--submit] [--historical] [--as EMAIL]   import a CSV or XLSX file
  import figures FILE [--atomic] [--as EMAIL]   import recipients' yearly figures (size class, status, members, volume, assets, workforce, RAT) from CSV or XLSX
  import repayments FILE [--atomic] [--as EMAIL]   import loan repayments (loan_id or recipient_nik/nib, paid_on, amount, reference) from CSV or XLSX
  import statement FILE --format csv|mt940|camt053 --account NO [--currency IDR] [--profile BANK] [--agency CODE] --as EMAIL
  report realization|coverage|overlaps|reconciliation --year Y [--group-by G] [--agency CODE] [--funding-source S]
         --format csv|xlsx|json|pdf [--dialect plain|excel-id] [-o FILE] [--as EMAIL]   write a report (default: csv to stdout, as the system)
  report registry|credit|subsidy --as-of YYYY-MM-DD [--year Y] [--group-by G] [--region CODE] --format csv|xlsx|json   registry statistics, loans and interest subsidy claims
  audit verify [--config FILE] [--checkpoint ID:HASH]   check the audit trail's hash chain (and that the checkpoint entry is there, unchanged); exit 1 and why if not
  audit checkpoint [--config FILE]                 print the last entry as ID:HASH, to keep outside the database
  backup FILE [--config FILE]                      SQLite: a consistent copy while serving, checked and counted; PostgreSQL: the pg_dump command
  restore FILE [--force] [--config FILE]           SQLite, server stopped: replace the database with a backup (refuses a newer database unless --force)
`

// Run runs the command named in args and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return 2
	}
	var err error
	switch cmd := args[0]; {
	case cmd == "serve":
		err = m.serve(ctx, args[1:])
	case cmd == "migrate":
		err = m.migrate(ctx, args[1:])
	case cmd == "demo":
		err = m.demo(ctx, args[1:])
	case cmd == "user" && len(args) > 1 && args[1] == "add":
		err = m.userAdd(ctx, args[2:])
	case cmd == "token" && len(args) > 1 && args[1] == "create":
		err = m.tokenCreate(ctx, args[2:])
	case cmd == "import":
		err = m.importFile(ctx, args[1:])
	case cmd == "audit" && len(args) > 1 && args[1] == "verify":
		err = m.auditVerify(ctx, args[2:])
	case cmd == "audit" && len(args) > 1 && args[1] == "checkpoint":
		err = m.auditCheckpoint(ctx, args[2:])
	case cmd == "backup":
		err = m.backup(ctx, args[1:])
	case cmd == "restore":
		err = m.restore(ctx, args[1:])
	case cmd == "report":
		err = m.reportCmd(ctx, args[1:])
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(m.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(m.Stderr, "pilar: unknown command %q\n%s", strings.Join(args, " "), usage)
		return 2
	}
	var usageErr usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usageErr):
		fmt.Fprintf(m.Stderr, "pilar: %v\n", err)
		return 2
	}
	fmt.Fprintf(m.Stderr, "pilar: %v\n", err)
	return 1
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// flags is a flag set with --config, parsed quietly into usage errors.
func (m *Main) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg := fs.String("config", m.getenv("PILAR_CONFIG"), "config file")
	return fs, cfg
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}

func (m *Main) getenv(k string) string {
	for _, kv := range m.Env {
		if key, v, ok := strings.Cut(kv, "="); ok && key == k {
			return v
		}
	}
	return ""
}

// logger is the structured log on stderr, as log.level and log.format say.
func (m *Main) logger(cfg config.Config) *slog.Logger {
	return logging.New(m.Stderr, cfg.Log.Level, cfg.Log.Format)
}

// actingAs returns ctx acting as the user named by --as, or as the system
// user ("Sistem") when none is given.
func actingAs(ctx context.Context, st *store.Store, email string) (context.Context, error) {
	if email == "" {
		a, err := st.SystemActor(ctx)
		if err != nil {
			return nil, fmt.Errorf("the system user: %w", err)
		}
		return finance.WithActor(ctx, a), nil
	}
	u, err := st.FindUserByEmail(ctx, email)
	if err != nil {
		return nil, fmt.Errorf("--as %s: %w", email, err)
	}
	return finance.WithActor(ctx, u.Actor()), nil
}

// openStore loads the config and opens the migrated database.
func (m *Main) openStore(ctx context.Context, cfgPath string) (*store.Store, error) {
	cfg, err := config.Load(cfgPath, m.Env)
	if err != nil {
		return nil, err
	}
	st, err := store.OpenMigrated(ctx, cfg.Database.Driver, cfg.Database.DSN)
	if err != nil {
		return nil, err
	}
	st.ExclusionKey = []byte(cfg.Exclusion.Key)
	st.Loc = cfg.Location()
	return st, nil
}

func (m *Main) serve(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("serve")
	addr := fs.String("addr", "", "listen address, overriding server.addr")
	withDemo := fs.Bool("demo", false, "load the demo data set first")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*cfgPath, m.Env)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Server.Addr = *addr
	}
	a, err := app.New(ctx, cfg, m.logger(cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	if *withDemo {
		if err := m.loadDemo(ctx, a.Store); err != nil {
			return err
		}
	}
	if err := a.Listen(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Pilar is running at http://%s\n", a.Addr())
	return a.Run(ctx)
}

func (m *Main) migrate(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("migrate")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := m.openStore(ctx, *cfgPath)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "database is up to date")
	return st.Close()
}

func (m *Main) demo(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("demo")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := m.openStore(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	return m.loadDemo(ctx, st)
}

func (m *Main) loadDemo(ctx context.Context, st *store.Store) error {
	n, err := demo.Load(ctx, st)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(m.Stdout, "Demo data loaded (%d new records).\nSign in as %s with password %s\n(other demo users: officers petugas.kaltim@, petugas.kaltara@, petugas.kalteng@, reviewers reviu.*@, auditor@ — all @pilar.demo, same password)\n",
		n, demo.Users[0].Email, demo.Password)
	return nil
}

func (m *Main) userAdd(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("user add")
	var in finance.UserInput
	fs.StringVar(&in.Email, "email", "", "email")
	fs.StringVar(&in.Name, "name", "", "full name")
	fs.StringVar(&in.Role, "role", "", strings.Join(finance.Roles, ", "))
	fs.StringVar(&in.Agency, "agency", "", "agency code (officers and reviewers)")
	if err := parse(fs, args); err != nil {
		return err
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password from stdin: %w", err)
	}
	in.Password = strings.TrimRight(line, "\r\n")
	st, err := m.openStore(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(finance.WithActor(ctx, finance.System), in)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "user %s added (%s)\n", u.Email, u.Role)
	return nil
}

func (m *Main) tokenCreate(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("token create")
	email := fs.String("email", "", "the user the token acts as")
	label := fs.String("label", "", "what the token is for")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := m.openStore(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, _, err := st.CreateToken(finance.WithActor(ctx, finance.System), *email, *label)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, secret)
	return nil
}
