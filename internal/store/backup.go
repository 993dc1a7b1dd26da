package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"pilar"
)

// ErrNotSQLite says that a backup or restore of this kind needs SQLite;
// PostgreSQL has pg_dump and pg_restore for that.
var ErrNotSQLite = errors.New("store: this database is PostgreSQL")

// TableCount is one table of a database file and its number of rows.
type TableCount struct {
	Table string
	Rows  int64
}

// Snapshot describes a SQLite database file: what integrity_check said,
// its schema version, its tables' row counts, and the newest audit entry.
type Snapshot struct {
	Path      string
	Integrity string // "ok" when the file is sound
	Version   int64  // goose schema version, 0 when none
	Tables    []TableCount
	LastAudit int64 // id of the newest audit entry, 0 when none
}

// Rows returns the number of rows of a table in the snapshot, or -1.
func (sn *Snapshot) Rows(table string) int64 {
	for _, t := range sn.Tables {
		if t.Table == table {
			return t.Rows
		}
	}
	return -1
}

// Backup writes a consistent copy of the SQLite database to path while the
// database stays in use (VACUUM INTO reads one snapshot; writers go on),
// then checks the copy with integrity_check and counts its rows. The copy
// is written beside path and renamed into place only when it is sound; an
// existing path is refused. Errors: ErrNotSQLite, an existing path, a copy
// that fails its check (the copy is removed).
func (s *Store) Backup(ctx context.Context, path string) (*Snapshot, error) {
	if s.driver != "sqlite" {
		return nil, ErrNotSQLite
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("backup: %s already exists; choose a new file name", path)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial")
	os.Remove(tmp)
	if err := s.db.WithContext(ctx).Exec("VACUUM INTO ?", tmp).Error; err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("backup: %w", err)
	}
	sn, err := InspectSQLite(ctx, tmp)
	if err == nil && sn.Integrity != "ok" {
		err = fmt.Errorf("backup: the copy failed integrity_check: %s", sn.Integrity)
	}
	if err == nil {
		err = os.Chmod(tmp, 0o600) // it holds NIKs
	}
	if err == nil {
		err = syncFile(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	sn.Path = path
	return sn, nil
}

// InspectSQLite opens a SQLite file read-only and describes it. A file
// that is not a SQLite database is an error.
func InspectSQLite(ctx context.Context, path string) (*Snapshot, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	sn := &Snapshot{Path: path}
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return nil, err
		}
		msgs = append(msgs, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	sn.Integrity = strings.Join(msgs, "; ")
	if sn.Integrity != "ok" {
		return sn, nil
	}
	var names []string
	rows, err = db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		var c int64
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+n+`"`).Scan(&c); err != nil {
			return nil, err
		}
		sn.Tables = append(sn.Tables, TableCount{n, c})
	}
	sort.Slice(sn.Tables, func(i, j int) bool { return sn.Tables[i].Table < sn.Tables[j].Table })
	if sn.Rows("goose_db_version") > 0 {
		db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&sn.Version)
	}
	if sn.Rows("audit_log") > 0 {
		db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM audit_log").Scan(&sn.LastAudit)
	}
	return sn, nil
}

// LatestVersion is the newest schema version this binary's migrations know.
func LatestVersion(driver string) (int64, error) {
	entries, err := fs.ReadDir(pilar.Migrations, "migrations/"+driver)
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		digits, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(digits, 10, 64); err == nil && v > latest {
			latest = v
		}
	}
	return latest, nil
}

// RestoreOptions say how to restore.
type RestoreOptions struct {
	// Force overwrites a database that is newer than the file, or restores a
	// file newer than this binary.
	Force bool
}

// Restore replaces the SQLite database at target with the backup file src,
// after checking src with integrity_check. Unless opt.Force, it refuses a
// file whose schema is newer than this binary, and a target that is newer
// than the file: a newer schema, a schema newer than the binary, or audit
// entries the file does not hold (changes made after the backup). The old
// target (with its -wal and -shm) is kept as target+".before-restore".
// The server must be stopped. It returns the restored file's snapshot and
// the path the old database was moved to ("" when there was none).
func Restore(ctx context.Context, src, target string, opt RestoreOptions) (*Snapshot, string, error) {
	latest, err := LatestVersion("sqlite")
	if err != nil {
		return nil, "", err
	}
	from, err := InspectSQLite(ctx, src)
	if err != nil {
		return nil, "", fmt.Errorf("restore: %w", err)
	}
	if from.Integrity != "ok" {
		return nil, "", fmt.Errorf("restore: %s failed integrity_check: %s", src, from.Integrity)
	}
	if from.Rows("goose_db_version") < 0 {
		return nil, "", fmt.Errorf("restore: %s is not a Pilar database (it has no schema version)", src)
	}
	var refusals []string
	if from.Version > latest {
		refusals = append(refusals, fmt.Sprintf("%s has schema version %d, newer than this pilar binary knows (%d)", src, from.Version, latest))
	}
	if _, err := os.Stat(target); err == nil {
		to, err := InspectSQLite(ctx, target)
		switch {
		case err != nil:
			refusals = append(refusals, fmt.Sprintf("the database %s cannot be read (%v)", target, err))
		case to.Version > latest:
			refusals = append(refusals, fmt.Sprintf("the database %s has schema version %d, newer than this pilar binary knows (%d)", target, to.Version, latest))
		case to.Version > from.Version:
			refusals = append(refusals, fmt.Sprintf("the database %s has schema version %d, newer than the file's %d", target, to.Version, from.Version))
		case to.LastAudit > from.LastAudit:
			refusals = append(refusals, fmt.Sprintf("the database %s holds %d audit entries the file does not (changes made after the backup)", target, to.LastAudit-from.LastAudit))
		}
	}
	if len(refusals) > 0 && !opt.Force {
		return nil, "", fmt.Errorf("restore refused: %s; give --force to restore anyway", strings.Join(refusals, "; "))
	}
	tmp := filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".restoring")
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return nil, "", fmt.Errorf("restore: %w", err)
	}
	kept := ""
	if _, err := os.Stat(target); err == nil {
		kept = target + ".before-restore"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(kept + suffix)
			if err := os.Rename(target+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				os.Remove(tmp)
				return nil, "", fmt.Errorf("restore: keep the old database: %w", err)
			}
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return nil, kept, fmt.Errorf("restore: %w", err)
	}
	from.Path = target
	return from, kept, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// PgDumpCommand returns the pg_dump command that backs up the PostgreSQL
// database of dsn to file, and the pg_restore command that loads it back.
// The password is never printed: pg_dump reads it from PGPASSWORD or
// ~/.pgpass. A search_path in dsn becomes --schema.
func PgDumpCommand(dsn, file string) (dump, restore string, err error) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "", "", fmt.Errorf("database.dsn: %w", err)
	}
	conn := []string{
		"--host=" + shellQuote(cfg.Host),
		"--port=" + strconv.Itoa(int(cfg.Port)),
		"--username=" + shellQuote(cfg.User),
		"--dbname=" + shellQuote(cfg.Database),
	}
	var schema []string
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		for _, s := range strings.Split(sp, ",") {
			schema = append(schema, "--schema="+shellQuote(strings.TrimSpace(s)))
		}
	}
	dump = strings.Join(append(append(append([]string{"pg_dump"}, conn...), schema...), "--format=custom", "--file="+shellQuote(file)), " ")
	restore = strings.Join(append(append([]string{"pg_restore"}, conn...), "--clean", "--if-exists", "--single-transaction", shellQuote(file)), " ")
	return dump, restore, nil
}

// shellQuote quotes s for a POSIX shell when it holds anything unusual.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@=+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
