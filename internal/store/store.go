// Package store implements the finance services on SQLite and PostgreSQL
// through GORM. It owns the schema (embedded SQL migrations) and the
// transactions; every method takes ctx first and joins a transaction
// carried in it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"pilar"
	"pilar/internal/finance"
)

// Store is Pilar's database.
type Store struct {
	db     *gorm.DB
	driver string
	// Now is the clock; tests replace it. A transaction reads it once (now).
	Now func() time.Time
	// Loc is the offices' zone (config timezone): today is a date there.
	Loc *time.Location
	// PasswordCost is the bcrypt cost of new password hashes; tests lower it.
	PasswordCost int
	// ExclusionKey keys the hashes of exclusion-list identifiers
	// (config exclusion.key); empty refuses list uploads.
	ExclusionKey []byte
	writer       chan struct{} // SQLite: this process's one writer slot
	group        group         // SQLite: transactions waiting for it to be committed together (groupTx)
	bg           background
	// RefusedTTL is how long the refused rows of an import are kept; 0 is
	// finance.DefaultRefusedTTL.
	RefusedTTL time.Duration
	// LookupLimit is how many full-identifier lookups a user who sees
	// masked data may make per hour; 0 is finance.DefaultLookupLimit.
	LookupLimit int
}

// Open connects to the database: driver "sqlite" (dsn is a file path) or
// "postgres" (dsn is a libpq connection string or URL); "sqlite-readonly"
// opens a SQLite file without writing to it.
func Open(driver, dsn string) (*Store, error) {
	var dial gorm.Dialector
	switch driver {
	case "sqlite":
		dial = sqlite.Open(sqliteDSN(dsn))
	case "sqlite-readonly":
		// A file opened to be read only, such as a backup copy: nothing is
		// written to it, not even the journal mode.
		driver, dial = "sqlite", sqlite.Open("file:"+dsn+"?mode=ro&_busy_timeout=10000")
	case "postgres":
		dial = postgres.Open(dsn)
	default:
		return nil, fmt.Errorf("store: unknown database driver %q (use sqlite or postgres)", driver)
	}
	db, err := gorm.Open(dial, &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", driver, err)
	}
	s := &Store{db: db, driver: driver, Now: func() time.Time { return time.Now().UTC() }, Loc: defaultLoc(), PasswordCost: bcrypt.DefaultCost,
		writer: make(chan struct{}, 1)}
	registerBusy(db)
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.SetMaxIdleConns(idleConns)
	}
	if err := s.Ping(context.Background()); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", driver, err)
	}
	return s, nil
}

// OpenMigrated opens the database and applies pending migrations.
func OpenMigrated(ctx context.Context, driver, dsn string) (*Store, error) {
	s, err := Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteDSN adds the settings Pilar needs: WAL, foreign keys, a busy
// timeout, and BEGIN IMMEDIATE so that a transaction which checks a budget
// and then writes holds the write lock from its start. Each connection
// keeps its last stmtCache prepared statements: a create over HTTP runs
// about ten, each prepared anew otherwise (a fifth of the server's CPU
// under pilar-bench's load, much of it inside the writer slot).
func sqliteDSN(path string) string {
	params := fmt.Sprintf("_journal_mode=WAL&_foreign_keys=on&_busy_timeout=%d&_txlock=immediate&_stmt_cache_size=%d",
		LockBudget.Milliseconds(), stmtCache)
	if strings.Contains(path, "?") {
		return "file:" + path + "&" + params
	}
	return "file:" + path + "?" + params
}

// stmtCache is how many prepared statements a SQLite connection keeps.
const stmtCache = 64

// oneBound is a scalar subquery, "(SELECT col FROM table WHERE key = ?)",
// for a join that finds its row by one bound value (key unique). Written
// in the join's own WHERE, a "x = ?" is weighed by SQLite's planner for
// every table's loops (whereLoopOutputAdjust asks whether ? is 0 or 1),
// which marks the statement to be planned again once its parameter is
// rebound; the driver clears a statement's bindings when it puts it back
// in its cache, so such a join was parsed and planned anew on every use,
// 3-4 times the cost of running it (the program's read of a create, about
// 100 µs of CPU each). A lookup of one table by a unique key takes the
// planner's shortcut, which looks at no bound value, so the subquery keeps
// the statement cached; the plan is the same index search.
func oneBound(col, table, key string) string {
	return "(SELECT " + col + " FROM " + table + " WHERE " + key + " = ?)"
}

// idleConns is how many connections the pool keeps open between uses
// (database/sql keeps 2): with dozens of requests at once, the others were
// closed after each use and opened again for the next, a new SQLite
// connection reading the whole schema on its first statement and a new
// PostgreSQL one starting a server process.
const idleConns = 16

// Driver is "sqlite" or "postgres".
func (s *Store) Driver() string { return s.driver }

// DB returns the underlying connection pool.
func (s *Store) DB() (*sql.DB, error) { return s.db.DB() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close waits for bookkeeping writes, then closes the connection pool.
func (s *Store) Close() error {
	s.WaitBackground()
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func (s *Store) provider() (*goose.Provider, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if s.driver == "postgres" {
		dialect = goose.DialectPostgres
	}
	sub, err := fs.Sub(pilar.Migrations, "migrations/"+s.driver)
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	if s.driver == "postgres" {
		// Several servers starting together on one database: one applies
		// the migrations while the others wait (a session advisory lock,
		// one per schema, so that schemas side by side do not wait).
		var schema string
		if err := sqlDB.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
			return nil, err
		}
		h := fnv.New64a()
		h.Write([]byte("pilar-migrations:" + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, sqlDB, sub, opts...)
}

// Migrate applies pending migrations in order. It refuses a database whose
// schema is newer than this binary knows.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil && !errors.Is(err, goose.ErrVersionNotFound) {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	sources := p.ListSources()
	latest := sources[len(sources)-1].Version
	if current > latest {
		return fmt.Errorf("store: the database schema is version %d, newer than this pilar binary knows (%d); use a newer pilar", current, latest)
	}
	_, err = p.Up(ctx)
	for try := 0; err != nil && s.driver == "sqlite" && try < 3; try++ {
		// SQLite has no migration lock: another process opening the same
		// file may have applied the same migration first (ours then rolled
		// back). Look again; what is left, if anything, is applied now.
		if now, verr := p.GetDBVersion(ctx); verr == nil && now >= latest {
			return nil
		}
		_, err = p.Up(ctx)
	}
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

type txKey struct{}

// conn returns the transaction carried in ctx, or the pool.
func (s *Store) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return s.db.WithContext(ctx)
}

// InTx runs fn in a transaction carried in the context it gets; if ctx
// already carries one, fn joins it.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	release, err := s.writerSlot(ctx)
	if err != nil {
		return err
	}
	defer release()
	ctx = s.stamp(ctx)
	var cache bulkCache
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := fn(context.WithValue(context.WithValue(ctx, txKey{}, tx), bulkCacheKey{}, &cache))
		if cache.raised { // the connection's next user gets the default back
			if rerr := tx.Exec(fmt.Sprintf("PRAGMA cache_size = %d", sqliteDefaultCache)).Error; err == nil {
				err = rerr
			}
		}
		return err
	})
	if isBusy(err) {
		return errBusy()
	}
	return err
}

type bulkCacheKey struct{}

// bulkCache says whether a transaction raised its connection's page cache.
type bulkCache struct{ raised bool }

// Page cache sizes of a SQLite connection, in KiB (PRAGMA cache_size as a
// negative number): SQLite's default, and what transactions writing many
// rows get (raiseCache).
const (
	sqliteDefaultCache = -2000
	// an import's set: thousands of rows into a table, its four indexes
	// and the audit trail, whose pages do not fit the default 2 MB; with
	// 64 MiB the drafts' INSERT took a fifth less CPU (issue 16)
	sqliteImportCache = -65536
	// a big reconciliation's matches: the one index they visit at random
	// (recon_matches_disbursement, about 25 MiB at a million)
	sqliteReconCache = -49152
	// an exclusion list's index of hashes while it grows
	sqliteExclusionCache = -131072
)

// customPlans runs fn, a transaction's lookups, with PostgreSQL planning
// each statement for its values and the tables as they are, and gives
// the transaction the default back after. A historical import is one
// transaction in which disbursements grows from what autovacuum last saw
// (none, say) to a million rows: the generic plan a prepared lookup falls
// back to after five runs was made for the empty table, a sequential
// scan, and every set's lookups then read every row written so far (2 s a
// set a quarter of the way into a million). Only around the lookups: the
// foreign-key checks of the INSERTs after them are prepared plans too,
// and planned anew for each row they cost twice as much (50 of an
// INSERT's 57 ms a set). It also turns JIT off for the rest of the
// transaction: statistics older than the tables put a lookup of 500 keys
// above jit_above_cost, and compiling took 58 of its 61 ms. fn alone on
// SQLite.
func (s *Store) customPlans(ctx context.Context, fn func() error) error {
	if s.driver != "postgres" {
		return fn()
	}
	if err := s.conn(ctx).Exec("SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true)").Error; err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	return s.conn(ctx).Exec("SET LOCAL plan_cache_mode = DEFAULT").Error
}

// raiseCache gives the SQLite connection of the transaction in ctx a page
// cache of size (a negative cache_size, in KiB) until the transaction
// ends, when InTx gives it the default back for the connection's next
// user. Nothing on PostgreSQL or outside InTx's transaction.
func (s *Store) raiseCache(ctx context.Context, size int) error {
	c, ok := ctx.Value(bulkCacheKey{}).(*bulkCache)
	if s.driver != "sqlite" || !ok {
		return nil
	}
	c.raised = true
	return s.conn(ctx).Exec(fmt.Sprintf("PRAGMA cache_size = %d", size)).Error
}

type nowKey struct{}

// stamp fixes the time of what ctx does: every row and the audit entry a
// change writes carry the one timestamp (now). A ctx already stamped keeps
// its time.
func (s *Store) stamp(ctx context.Context) context.Context {
	if _, ok := ctx.Value(nowKey{}).(time.Time); ok {
		return ctx
	}
	return context.WithValue(ctx, nowKey{}, s.Now().UTC())
}

// now is the time of ctx's work: its stamp, or the clock when unstamped.
func (s *Store) now(ctx context.Context) time.Time {
	if t, ok := ctx.Value(nowKey{}).(time.Time); ok {
		return t
	}
	return s.Now().UTC()
}

// today is the date of now in the offices' zone, YYYY-MM-DD: between
// midnight and 08:00 WITA it is not the UTC date.
func (s *Store) today(ctx context.Context) string {
	return s.now(ctx).In(s.Loc).Format("2006-01-02")
}

// defaultLoc is config's default zone, Asia/Makassar.
func defaultLoc() *time.Location {
	loc, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		return time.UTC
	}
	return loc
}

// translate turns driver errors into domain errors; what stays is internal.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return finance.Errorf(finance.ENotFound, "%s not found", what)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return finance.Errorf(finance.EDuplicate, "%s already exists", what)
	}
	return err
}

// keyset is page p of a list as SQL over its id column col: the condition
// (with its one argument) and the ORDER BY, and whether the rows are read
// backwards (from Before away, in the opposite order) to be turned round
// by pageIn. Oldest first unless p.Newest.
func keyset(p finance.Page, col string) (cond string, arg int64, order string, backward bool) {
	asc, desc := col+" ASC", col+" DESC"
	switch {
	case p.Before > 0 && p.Newest:
		return col + " > ?", p.Before, asc, true
	case p.Before > 0:
		return col + " < ?", p.Before, desc, true
	case p.Newest && p.Cursor > 0:
		return col + " < ?", p.Cursor, desc, false
	case p.Newest:
		return col + " < ?", math.MaxInt64, desc, false
	}
	return col + " > ?", p.Cursor, asc, false
}

// pageIn trims rows read by keyset (limit+1 of them) to limit, in the
// page's order, and returns the cursor to go on in the direction read:
// the next page's Cursor, or for a backward page the Before of the page
// before it; "" when there is no more that way.
func pageIn[T any](items []T, limit int, backward bool, id func(T) int64) ([]T, string) {
	items, more := pageOf(items, limit, id)
	if backward {
		slices.Reverse(items)
	}
	return items, more
}

// pageOf trims a list fetched with limit+1 rows to limit and returns the
// cursor of the next page: the last id, or "" when there is no more.
func pageOf[T any](items []T, limit int, id func(T) int64) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, fmt.Sprint(id(items[limit-1]))
}
