package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"pilar/internal/config"
	"pilar/internal/store"
)

// errPostgresBackup ends `pilar backup` and `pilar restore` on PostgreSQL,
// after the pg_dump / pg_restore command was printed: nothing was copied.
var errPostgresBackup = errors.New("nothing was copied: the database is PostgreSQL; run the command above")

// parseFile parses flags that may come before or after the one FILE.
func parseFile(fs *flag.FlagSet, args []string) (string, error) {
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return "", usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		return "", usageError{fmt.Sprintf("%s: give exactly one FILE", fs.Name())}
	}
	return files[0], nil
}

// sqlitePath is the database file of a SQLite DSN (its query removed).
func sqlitePath(dsn string) string {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return path
}

// backup runs `pilar backup FILE`: on SQLite a consistent copy taken while
// the server runs, checked and counted; on PostgreSQL the pg_dump command.
func (m *Main) backup(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("backup")
	file, err := parseFile(fs, args)
	if err != nil {
		return err
	}
	cfg, err := config.Load(*cfgPath, m.Env)
	if err != nil {
		return err
	}
	if cfg.Database.Driver == "postgres" {
		dump, restore, err := store.PgDumpCommand(cfg.Database.DSN, file)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "The database is PostgreSQL: back it up with pg_dump, which takes a consistent snapshot while Pilar serves:\n\n  %s\n\nand restore it (with the servers stopped) with:\n\n  %s\n\npg_dump reads the password from PGPASSWORD or ~/.pgpass; it is not printed here.\n", dump, restore)
		return errPostgresBackup
	}
	path := sqlitePath(cfg.Database.DSN)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: the database %s: %w", path, err)
	}
	// Open without migrating: a backup must not change the database it copies.
	st, err := store.Open(cfg.Database.Driver, cfg.Database.DSN)
	if err != nil {
		return err
	}
	defer st.Close()
	sn, err := st.Backup(ctx, file)
	if err != nil {
		return err
	}
	copyStore, err := store.Open("sqlite-readonly", file)
	if err != nil {
		return err
	}
	bad, err := copyStore.VerifyAudit(ctx)
	copyStore.Close()
	if err != nil {
		return fmt.Errorf("backup: verify the copy's audit trail: %w", err)
	}
	if bad != nil {
		return fmt.Errorf("backup: the copy's audit trail is broken at entry %d (run pilar audit verify on the database)", bad.ID)
	}
	fmt.Fprintf(m.Stdout, "backup written to %s\nintegrity_check: %s\naudit trail: intact\nschema version: %d\n", file, sn.Integrity, sn.Version)
	m.printCounts(sn)
	return nil
}

func (m *Main) printCounts(sn *store.Snapshot) {
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\trows\t")
	for _, t := range sn.Tables {
		fmt.Fprintf(tw, "%s\t%d\t\n", t.Table, t.Rows)
	}
	tw.Flush()
}

// restore runs `pilar restore FILE [--force]` for SQLite: the server must
// be stopped; the old database is kept beside the new one.
func (m *Main) restore(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("restore")
	force := fs.Bool("force", false, "restore over a newer database, or a file newer than this binary")
	file, err := parseFile(fs, args)
	if err != nil {
		return err
	}
	cfg, err := config.Load(*cfgPath, m.Env)
	if err != nil {
		return err
	}
	if cfg.Database.Driver == "postgres" {
		_, restore, err := store.PgDumpCommand(cfg.Database.DSN, file)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "The database is PostgreSQL: stop the Pilar servers and restore a pg_dump file with:\n\n  %s\n", restore)
		return errPostgresBackup
	}
	sn, kept, err := store.Restore(ctx, file, sqlitePath(cfg.Database.DSN), store.RestoreOptions{Force: *force})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "restored %s to %s (schema version %d)\n", file, sn.Path, sn.Version)
	if kept != "" {
		fmt.Fprintf(m.Stdout, "the previous database was kept as %s\n", kept)
	}
	m.printCounts(sn)
	return nil
}
