package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"pilar/internal/benchgen"
	"pilar/internal/finance"
	"pilar/internal/importer"
	"pilar/internal/money"
)

// importWorkload imports the recipients and the disbursements (as history:
// every row is a past payment with paid_on) through importer.Import, the
// code `pilar import` runs, and inserts the same files into a fresh
// database with plain database/sql in one prepared transaction (and COPY
// on PostgreSQL).
func (r *run) importWorkload(ctx context.Context) error {
	var rec, dis *importer.Result
	d1, rss1, base1, err := measureFrom(func() (err error) {
		rec, err = importFile(r.ctx, r, r.set.RecipientsPath, importer.Options{Kind: importer.Recipients})
		return err
	})
	if err != nil {
		return err
	}
	d2, rss2, base2, err := measureFrom(func() (err error) {
		dis, err = importFile(r.ctx, r, r.set.DisbursementsPath, importer.Options{Kind: importer.Disbursements, Historical: true})
		return err
	})
	if err != nil {
		return err
	}
	// -copy-only: the plain insert is skipped and COPY is the raw limit.
	rawRec, rawDis, rssRaw, err := r.rawImport(ctx, "raw", r.opt.CopyOnly)
	if err != nil {
		return err
	}
	against := ""
	if r.opt.CopyOnly {
		against = "; raw limit COPY"
	}
	recRows, disRows := float64(r.set.Recipients), float64(r.set.N)
	r.add(Row{Workload: "import recipients (rows/s)", Pilar: recRows / d1.Seconds(), Raw: recRows / rawRec.Seconds(), Unit: "rows/s", RSS: rss1,
		Note: fmt.Sprintf("%s: created %d, skipped %d, failed %d; RSS before %d MiB; raw peak RSS %d MiB%s", d1.Round(time.Millisecond), rec.Created, rec.Skipped, rec.Failed, base1>>20, rssRaw>>20, against)})
	r.add(Row{Workload: "import disbursements --historical", Pilar: disRows / d2.Seconds(), Raw: disRows / rawDis.Seconds(), Unit: "rows/s", RSS: rss2,
		Note: fmt.Sprintf("%s: created %d, skipped %d, failed %d%s; RSS before %d MiB%s", d2.Round(time.Millisecond), dis.Created, dis.Skipped, dis.Failed, firstError(dis), base2>>20, against)})
	if r.opt.Engine != "postgres" || r.opt.CopyOnly {
		return nil
	}
	cpRec, cpDis, _, err := r.rawImport(ctx, "copy", true)
	if err != nil {
		return err
	}
	r.add(Row{Workload: "import recipients vs COPY", Pilar: recRows / d1.Seconds(), Raw: recRows / cpRec.Seconds(), Unit: "rows/s"})
	r.add(Row{Workload: "import disbursements vs COPY", Pilar: disRows / d2.Seconds(), Raw: disRows / cpDis.Seconds(), Unit: "rows/s"})
	return nil
}

// rawImport inserts the set's files by rawInsert into a fresh database
// (schema) of that name, with COPY or not, and gives the time of each
// file and the peak RSS.
func (r *run) rawImport(ctx context.Context, name string, copyFrom bool) (rec, dis time.Duration, rss uint64, err error) {
	st, err := r.open(ctx, name)
	if err != nil {
		return 0, 0, 0, err
	}
	admin, actx, err := setup(ctx, st, r.set.Programs)
	if err != nil {
		return 0, 0, 0, err
	}
	db, err := st.DB()
	if err != nil {
		return 0, 0, 0, err
	}
	_, rss, err = measure(func() (err error) {
		rec, dis, err = rawInsert(actx, db, r.opt.Engine, r.set, admin.ID, copyFrom)
		return err
	})
	return rec, dis, rss, err
}

func firstError(res *importer.Result) string {
	if len(res.Errors) == 0 {
		return ""
	}
	e := res.Errors[0]
	return fmt.Sprintf("; first error: row %d %s: %s", e.Row, e.Field, e.Message)
}

// importFile imports one file as `pilar import` does (a historical import
// names the file and its SHA-256).
func importFile(ctx context.Context, r *run, path string, opt importer.Options) (*importer.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opt.Historical {
		sum := sha256.New()
		if _, err := io.Copy(sum, f); err != nil {
			return nil, err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		opt.FileName, opt.SHA256 = filepath.Base(path), hex.EncodeToString(sum.Sum(nil))
	}
	return importer.Import(ctx, r.st, f, opt)
}

// rawLoad fills Pilar's database with the set through rawInsert, for the
// workloads after import when import itself is not run. On PostgreSQL it
// uses COPY: program_totals' triggers run once per statement, so a
// million one-row INSERTs in one transaction update each program's totals
// row tens of thousands of times, each update stepping over the versions
// the others left (the load took over ten minutes and slowed as it went);
// one COPY per table updates each once, with the same totals.
func rawLoad(ctx context.Context, db *sql.DB, engine string, set *benchgen.Set, adminID int64) error {
	_, _, err := rawInsert(ctx, db, engine, set, adminID, engine == "postgres")
	return err
}

// rawInsert is the raw limit of an import: the same files read with
// encoding/csv and inserted with one prepared statement per table in one
// transaction per file (or COPY), the disbursements as paid; ids are
// given, repeated NIKs skipped, each recipient's history row written as
// Pilar writes it. It returns the time of each file.
func rawInsert(ctx context.Context, db *sql.DB, engine string, set *benchgen.Set, adminID int64, copyFrom bool) (time.Duration, time.Duration, error) {
	now := time.Now().UTC()
	today := now.Format(time.DateOnly)
	start := time.Now()
	ids := map[string]int64{}
	var recs, hist [][]any
	err := eachRow(set.RecipientsPath, func(c map[string]string) error {
		if _, dup := ids[c["nik"]]; dup {
			return nil
		}
		id := int64(len(ids) + 1)
		ids[c["nik"]] = id
		phone, _ := finance.NormalizePhone(c["phone"])
		recs = append(recs, []any{id, c["kind"], c["name"], c["owner_name"], c["nik"], c["sector"], c["size_class"], c["region_code"],
			c["address"], phone, c["bank_code"], c["account_no"], c["account_holder"], now, now})
		hist = append(hist, []any{id, id, today, c["size_class"], now})
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	recCols := []string{"id", "kind", "name", "owner_name", "nik", "sector", "size_class", "region_code", "address", "phone", "bank_code", "account_no", "account_holder", "created_at", "updated_at"}
	histCols := []string{"id", "recipient_id", "valid_from", "size_class", "created_at"}
	if err := insertAll(ctx, db, engine, copyFrom, table{"recipients", recCols, recs}, table{"recipient_history", histCols, hist}); err != nil {
		return 0, 0, err
	}
	recTime := time.Since(start)
	start = time.Now()
	programs := map[string]int64{}
	rows, err := db.QueryContext(ctx, "SELECT code, id FROM programs")
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		var code string
		var id int64
		rows.Scan(&code, &id)
		programs[code] = id
	}
	rows.Close()
	var dis [][]any
	paid := string(finance.StatusPaid)
	err = eachRow(set.DisbursementsPath, func(c map[string]string) error {
		amount, err := money.ParseLocal(c["amount"])
		if err != nil {
			return err
		}
		tranche, _ := strconv.Atoi(c["tranche"])
		dis = append(dis, []any{int64(len(dis) + 1), programs[c["program_code"]], ids[c["recipient_nik"]], amount.Sen(), tranche, c["form"], paid,
			c["disbursed_on"], c["paid_on"], c["paid_on"], c["payment_ref"], c["note"], adminID, adminID, false, "[]", now, now})
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	disCols := []string{"id", "program_id", "recipient_id", "amount", "tranche", "form", "status", "disbursed_on", "approved_on", "paid_on",
		"payment_ref", "note", "created_by_id", "approved_by_id", "reconciled", "flags", "created_at", "updated_at"}
	if err := insertAll(ctx, db, engine, copyFrom, table{"disbursements", disCols, dis}); err != nil {
		return 0, 0, err
	}
	return recTime, time.Since(start), nil
}

// eachRow calls fn with every data row of a CSV file by column name.
func eachRow(path string, fn func(map[string]string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return err
	}
	header = append([]string(nil), header...)
	c := map[string]string{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		for i, h := range header {
			c[h] = rec[i]
		}
		if err := fn(c); err != nil {
			return err
		}
	}
}

// table is the rows to insert into one table, in the order of its columns.
type table struct {
	name string
	cols []string
	rows [][]any
}

// insertAll writes each table's rows in one transaction: one prepared
// INSERT per table, or COPY (PostgreSQL); on PostgreSQL the id sequences
// then move past the given ids.
func insertAll(ctx context.Context, db *sql.DB, engine string, copyFrom bool, tables ...table) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if copyFrom {
		return conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			for _, t := range tables {
				if _, err := pc.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
					return err
				}
				if err := setSequence(ctx, pc.Exec, t.name); err != nil {
					return err
				}
			}
			return nil
		})
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range tables {
		q := "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES (" + placeholders(engine, len(t.cols)) + ")"
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		for _, row := range t.rows {
			if _, err := stmt.ExecContext(ctx, row...); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		stmt.Close()
		if engine == "postgres" {
			exec := func(ctx context.Context, q string, args ...any) (any, error) { return tx.ExecContext(ctx, q, args...) }
			if err := setSequence(ctx, exec, t.name); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

func setSequence[R any](ctx context.Context, exec func(context.Context, string, ...any) (R, error), table string) error {
	_, err := exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), (SELECT MAX(id) FROM %[1]s))", table))
	return err
}

// placeholders are n parameters in the engine's style.
func placeholders(engine string, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "?"
		if engine == "postgres" {
			p[i] = "$" + strconv.Itoa(i+1)
		}
	}
	return strings.Join(p, ", ")
}
