package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"pilar"
	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/store"
)

// TestMigrationsKeepData runs each migration on a database at the version
// before it that holds data (an agency, users, a program, recipients and a
// disbursement in every state), written with plain SQL as a server of that
// version would have: the rows must survive, and a back-fill must fill what
// it means to (00005: approved_on of every approved disbursement is its
// paid_on, else its disbursed_on).
func TestMigrationsKeepData(t *testing.T) {
	t.Parallel()
	sub, err := fs.Sub(pilar.Migrations, "migrations/"+dbtest.Engine())
	if err != nil {
		t.Fatal(err)
	}
	probe := newProvider(t, openBare(t), sub)
	sources := probe.ListSources()
	for i := 1; i < len(sources); i++ {
		prev, next := sources[i-1].Version, sources[i].Version
		t.Run(fmt.Sprintf("%05d", next), func(t *testing.T) {
			t.Parallel()
			s := openBare(t)
			p := newProvider(t, s, sub)
			ctx := context.Background()
			if _, err := p.UpTo(ctx, prev); err != nil {
				t.Fatalf("up to %d: %v", prev, err)
			}
			db := sqlDB(t, s)
			seed(t, db, prev)
			before := snapshot(t, db)
			if _, err := p.UpTo(ctx, next); err != nil {
				t.Fatalf("migrate %d -> %d with data: %v", prev, next, err)
			}
			if got := snapshot(t, db); !reflect.DeepEqual(got, before) {
				t.Fatalf("data changed by %05d:\nbefore %v\nafter  %v", next, before, got)
			}
			if next == 5 {
				checkApprovedOn(t, db, wantBackfill)
			}
			if prev >= 5 {
				checkApprovedOn(t, db, wantApprovedOn)
			}
			if next == 50 {
				var n int
				if err := db.QueryRow("SELECT COUNT(*) FROM users WHERE email = 'system' AND active = FALSE").Scan(&n); err != nil || n != 1 {
					t.Fatalf("system user: %d rows, %v", n, err)
				}
			}
			if next == 51 {
				var flags, reasons int
				if err := db.QueryRow("SELECT COUNT(*) FROM disbursements WHERE flags = '[]'").Scan(&flags); err != nil {
					t.Fatal(err)
				}
				if err := db.QueryRow("SELECT COUNT(*) FROM disbursements WHERE override_reason = ''").Scan(&reasons); err != nil {
					t.Fatal(err)
				}
				if flags != len(seedDisbursements) || reasons != len(seedDisbursements) {
					t.Fatalf("after 00051: %d rows with flags [] and %d without override_reason; want %d", flags, reasons, len(seedDisbursements))
				}
			}
			if next >= 90 {
				// 00090 back-fills program_totals; from then on its triggers
				// keep it as the seeded rows arrive: approved 43 and paid 44
				// committed, 44 realized, its recipient reached.
				var committed, realized, reached int64
				if err := db.QueryRow("SELECT committed, realized, reached FROM program_totals WHERE program_id = 21").Scan(&committed, &realized, &reached); err != nil {
					t.Fatal(err)
				}
				if committed != 480000000 || realized != 240000000 || reached != 1 {
					t.Fatalf("program_totals after %05d: committed %d, realized %d, reached %d; want 480000000, 240000000, 1", next, committed, realized, reached)
				}
			}
		})
	}
	t.Run("LatestReadsOldRows", func(t *testing.T) {
		// Data written before 00005, migrated to the end, read through the
		// store: the approved and paid rows carry the back-filled dates.
		t.Parallel()
		s := openBare(t)
		p := newProvider(t, s, sub)
		ctx := context.Background()
		if _, err := p.UpTo(ctx, 4); err != nil {
			t.Fatal(err)
		}
		seed(t, sqlDB(t, s), 4)
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("migrate to the end: %v", err)
		}
		actx := finance.WithActor(ctx, &finance.Actor{UserID: 101, Email: "admin@pilar.test", Role: finance.RoleAdmin})
		for _, d := range seedDisbursements {
			got, err := s.FindDisbursementByID(actx, d.id)
			if err != nil {
				t.Fatalf("disbursement %d: %v", d.id, err)
			}
			if string(got.Status) != d.status || got.Amount.String() != d.amount {
				t.Errorf("disbursement %d: %s %s; want %s %s", d.id, got.Status, got.Amount, d.status, d.amount)
			}
			want := wantBackfill(d)
			if (got.ApprovedOn == nil) != (want == "") || (got.ApprovedOn != nil && *got.ApprovedOn != want) {
				t.Errorf("disbursement %d (%s): approved_on %v; want %q", d.id, d.status, got.ApprovedOn, want)
			}
		}
	})
}

type seedDisbursement struct {
	id                         int64
	status                     string
	amount                     string // as money.Amount prints it
	sen                        int64
	disbursedOn, paidOn, retOn string
	submitted, approved        bool
	approvedOn                 string // written only at a version that has the column
}

// seedDisbursements is one disbursement in each state; approved and later
// ones have an approver, as the life cycle leaves them.
var seedDisbursements = []seedDisbursement{
	{id: 41, status: "draft", amount: "1200000.00", sen: 120000000, disbursedOn: "2024-07-01"},
	{id: 42, status: "submitted", amount: "1200000.00", sen: 120000000, disbursedOn: "2024-07-02", submitted: true},
	{id: 43, status: "approved", amount: "2400000.00", sen: 240000000, disbursedOn: "2024-07-03", submitted: true, approved: true, approvedOn: "2024-07-05"},
	{id: 44, status: "paid", amount: "2400000.00", sen: 240000000, disbursedOn: "2024-06-28", paidOn: "2024-07-10", submitted: true, approved: true, approvedOn: "2024-07-08"},
	{id: 45, status: "rejected", amount: "1200000.00", sen: 120000000, disbursedOn: "2024-07-04", submitted: true},
	{id: 46, status: "returned", amount: "3000000.50", sen: 300000050, disbursedOn: "2024-05-20", paidOn: "2024-05-31", retOn: "2024-06-14", submitted: true, approved: true, approvedOn: "2024-05-30"},
	{id: 47, status: "cancelled", amount: "1200000.00", sen: 120000000, disbursedOn: "2024-07-06"},
}

// wantBackfill is what 00005 writes: an approved one's paid_on, else its
// disbursed_on; nothing for one never approved.
func wantBackfill(d seedDisbursement) string {
	switch {
	case !d.approved:
		return ""
	case d.paidOn != "":
		return d.paidOn
	default:
		return d.disbursedOn
	}
}

// wantApprovedOn is what a server at version 5 or later wrote.
func wantApprovedOn(d seedDisbursement) string { return d.approvedOn }

func checkApprovedOn(t *testing.T, db *sql.DB, want func(seedDisbursement) string) {
	t.Helper()
	for _, d := range seedDisbursements {
		var got sql.NullString
		if err := db.QueryRow(fmt.Sprintf("SELECT approved_on FROM disbursements WHERE id = %d", d.id)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if w := want(d); got.Valid != (w != "") || got.String != w {
			t.Errorf("disbursement %d (%s): approved_on %q (set %v); want %q", d.id, d.status, got.String, got.Valid, w)
		}
	}
}

// seed writes the rows with the columns of the first schema (and
// approved_on from version 5 on), with ids clear of the ones migrations
// take (the system user of 00050).
func seed(t *testing.T, db *sql.DB, version int64) {
	t.Helper()
	const at = "'2024-07-01 08:00:00'"
	stmts := []string{
		"INSERT INTO agencies (id, code, name, region_code, created_at) VALUES (11, 'DKUMKM-KALTIM', 'Dinas Koperasi dan UKM Kalimantan Timur', '64', " + at + ")",
		"INSERT INTO users (id, email, name, role, agency_id, password_hash, active, created_at) VALUES (101, 'admin@pilar.test', 'Admin', 'admin', NULL, '!', TRUE, " + at + ")",
		"INSERT INTO users (id, email, name, role, agency_id, password_hash, active, created_at) VALUES (102, 'officer@pilar.test', 'Officer', 'officer', 11, '!', TRUE, " + at + ")",
		"INSERT INTO users (id, email, name, role, agency_id, password_hash, active, created_at) VALUES (103, 'reviewer@pilar.test', 'Reviewer', 'reviewer', 11, '!', FALSE, " + at + ")",
		"INSERT INTO programs (id, code, name, kind, funding_source, agency_id, fiscal_year, original_budget, budget, amount_per_recipient, target_recipients, eligible_size_classes, region_code, starts_on, ends_on, status, created_at, updated_at) " +
			"VALUES (21, 'BPUM-KALTIM-2024', 'Bantuan Produktif Usaha Mikro', 'grant', 'APBD_PROV', 11, 2024, 50000000000, 45000000000, 120000000, 300, 'mikro', '64.72', '2024-01-01', '2024-12-31', 'active', " + at + ", " + at + ")",
		"INSERT INTO budget_revisions (id, program_id, previous_budget, budget, reason, approved_by_id, created_at) VALUES (1, 21, 50000000000, 45000000000, 'APBD-P', 101, " + at + ")",
		"INSERT INTO recipients (id, kind, name, owner_name, nik, nib, size_class, region_code, bank_code, account_no, account_holder, created_at, updated_at) " +
			"VALUES (31, 'umkm', 'Amplang Bu Siti', 'Siti Aminah', '6472014501850003', '1234567890123', 'mikro', '64.72', '002', '0123456789', 'Siti Aminah', " + at + ", " + at + ")",
		"INSERT INTO recipients (id, kind, name, owner_name, nik, size_class, region_code, created_at, updated_at) " +
			"VALUES (32, 'umkm', 'Tenun Ulap Doyo', 'Rahmawati', '6472015607900001', 'mikro', '64.72', " + at + ", " + at + ")",
		"INSERT INTO recipients (id, kind, name, legal_number, members, last_rat_year, active, region_code, created_at, updated_at) " +
			"VALUES (33, 'koperasi', 'Koperasi Mandiri', 'AHU-0001.AH.01.26.2020', 120, 2023, TRUE, '64.72', " + at + ", " + at + ")",
	}
	for i, d := range seedDisbursements {
		cols := "id, program_id, recipient_id, amount, tranche, status, disbursed_on, paid_on, returned_on, created_by_id, submitted_by_id, approved_by_id, created_at, updated_at"
		vals := fmt.Sprintf("%d, 21, %d, %d, %d, '%s', '%s', %s, %s, 102, %s, %s, %s, %s",
			d.id, 31+i%3, d.sen, 1+i/3, d.status, d.disbursedOn, nullable(d.paidOn), nullable(d.retOn),
			ifThen(d.submitted, "102"), ifThen(d.approved, "103"), at, at)
		if version >= 5 {
			cols += ", approved_on"
			vals += ", " + nullable(d.approvedOn)
		}
		stmts = append(stmts, "INSERT INTO disbursements ("+cols+") VALUES ("+vals+")")
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("seed at version %d: %v\n%s", version, err, q)
		}
	}
}

func nullable(s string) string {
	if s == "" {
		return "NULL"
	}
	return "'" + s + "'"
}

func ifThen(ok bool, v string) string {
	if ok {
		return v
	}
	return "NULL"
}

// snapshot is the seeded rows in the columns every version has.
func snapshot(t *testing.T, db *sql.DB) []string {
	t.Helper()
	queries := []string{
		"SELECT id, code, name, region_code FROM agencies ORDER BY id",
		"SELECT id, email, name, role, COALESCE(agency_id, 0), active FROM users WHERE email <> 'system' ORDER BY id",
		"SELECT id, code, kind, funding_source, agency_id, fiscal_year, original_budget, budget, amount_per_recipient, target_recipients, region_code, starts_on, ends_on, status FROM programs ORDER BY id",
		"SELECT id, program_id, previous_budget, budget, reason, approved_by_id FROM budget_revisions ORDER BY id",
		"SELECT id, kind, name, nik, nib, size_class, region_code, account_no, COALESCE(members, 0), COALESCE(active, FALSE) FROM recipients ORDER BY id",
		"SELECT id, program_id, recipient_id, amount, tranche, status, disbursed_on, COALESCE(paid_on, ''), COALESCE(returned_on, ''), created_by_id, COALESCE(submitted_by_id, 0), COALESCE(approved_by_id, 0) FROM disbursements ORDER BY id",
		"SELECT COUNT(*), SUM(amount) FROM disbursements",
	}
	var out []string
	for _, q := range queries {
		out = append(out, queryLines(t, db, q)...)
	}
	return out
}

// queryLines is what a query reads, a line per row of its columns'
// names and values.
func queryLines(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			fmt.Fprintf(&sb, "%s=%v ", cols[i], v)
		}
		out = append(out, sb.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// openBare opens a fresh, empty database (no migrations applied).
func openBare(t *testing.T) *store.Store {
	t.Helper()
	driver, dsn := dbtest.Config(t)
	s, err := store.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func sqlDB(t *testing.T, s *store.Store) *sql.DB {
	t.Helper()
	db, err := s.DB()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func newProvider(t *testing.T, s *store.Store, sub fs.FS) *goose.Provider {
	t.Helper()
	dialect := goose.DialectSQLite3
	if s.Driver() == "postgres" {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, sqlDB(t, s), sub)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
