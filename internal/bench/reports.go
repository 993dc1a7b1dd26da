package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"pilar/internal/report"
)

// ReportYear is the fiscal year the reports are asked for.
const ReportYear = 2024

// Status sets as SQL lists, for the raw queries only (the store binds
// finance's sets instead).
const (
	committedSQL = "('approved', 'paid')"
	paidSQL      = "('paid')"
	everPaidSQL  = "('paid', 'returned')"
	liveSQL      = "('draft', 'submitted', 'approved', 'paid', 'returned')"
)

// rawReports are the plain SQL aggregates a report stands next to, by
// kind and group_by: what a person would type in the sqlite3 or psql
// shell to get the same sums (one statement per section for overlaps).
var rawReports = map[string][]string{
	"realization/program":        {realizationRaw("p.code")},
	"realization/funding_source": {realizationRaw("p.funding_source")},
	"realization/agency":         {realizationRaw("a.code")},
	"realization/region":         {realizationRaw("CASE WHEN p.region_code <> '' THEN p.region_code ELSE a.region_code END")},
	"realization/month":          {periodRaw(7)},
	"realization/quarter":        {periodRaw(7)},
	"coverage/program":           {coverageRaw("p.code")},
	"coverage/size_class":        {coverageRaw("r.size_class")},
	"coverage/sector":            {coverageRaw("r.sector")},
	"coverage/region":            {coverageRaw("r.region_code")},
	"coverage/sex":               {coverageRaw("SUBSTR(r.nik, 7, 1) IN ('4','5','6','7')")},
	"overlaps/": {
		"SELECT r.nik, r.id FROM recipients r WHERE r.nik IN (SELECT nik FROM recipients WHERE nik <> '' GROUP BY nik HAVING COUNT(*) > 1)",
		"SELECT r.account_no, r.id FROM recipients r WHERE r.account_no IN (SELECT account_no FROM recipients WHERE account_no <> '' GROUP BY account_no HAVING COUNT(*) > 1)",
		`SELECT d.id, d.recipient_id, p.code FROM disbursements d JOIN programs p ON p.id = d.program_id
		 WHERE p.fiscal_year = ? AND d.status IN ` + paidSQL + ` AND d.recipient_id IN (
		   SELECT d.recipient_id FROM disbursements d JOIN programs p ON p.id = d.program_id
		   WHERE p.fiscal_year = ? AND d.status IN ` + paidSQL + ` GROUP BY d.recipient_id HAVING COUNT(DISTINCT d.program_id) > 1)`,
		`SELECT d.id, r.size_class, r.region_code FROM disbursements d JOIN programs p ON p.id = d.program_id JOIN recipients r ON r.id = d.recipient_id
		 WHERE p.fiscal_year = ? AND d.status IN ` + liveSQL + ` AND (p.eligible_size_classes <> '' OR p.region_code <> '')`,
		`SELECT d.id, d.flags FROM disbursements d JOIN programs p ON p.id = d.program_id WHERE p.fiscal_year = ? AND d.status IN ` + liveSQL + ` AND d.flags <> '[]'`,
	},
	"reconciliation/program": {reconRaw("p.code")},
	"reconciliation/agency":  {reconRaw("a.code")},
	"registry/kind":          {registryRaw},
	"registry/size_class":    {registryRaw},
	"registry/sector":        {registryRaw},
	"registry/region":        {registryRaw},
}

// registryRaw reads what an "as of" count cannot do without: every
// recipient's history up to the date, in order (its parameter is the date).
const registryRaw = `SELECT h.recipient_id, h.valid_from, h.size_class, r.kind, r.sector, r.region_code
FROM recipient_history h JOIN recipients r ON r.id = h.recipient_id WHERE h.valid_from <= ? ORDER BY h.recipient_id, h.valid_from`

func realizationRaw(key string) string {
	return `SELECT ` + key + `, SUM(CASE WHEN d.status IN ` + committedSQL + ` THEN d.amount END), SUM(CASE WHEN d.status IN ` + paidSQL + ` THEN d.amount END)
FROM programs p JOIN agencies a ON a.id = p.agency_id LEFT JOIN disbursements d ON d.program_id = p.id WHERE p.fiscal_year = ? GROUP BY 1`
}

func periodRaw(n int) string {
	return fmt.Sprintf(`SELECT SUBSTR(d.paid_on, 1, %d), SUM(d.amount) FROM disbursements d JOIN programs p ON p.id = d.program_id
WHERE p.fiscal_year = ? AND d.status IN `+paidSQL+` GROUP BY 1`, n)
}

func coverageRaw(key string) string {
	return `SELECT ` + key + `, COUNT(DISTINCT d.recipient_id), SUM(d.amount) FROM disbursements d JOIN programs p ON p.id = d.program_id
JOIN recipients r ON r.id = d.recipient_id WHERE p.fiscal_year = ? AND d.status IN ` + paidSQL + ` GROUP BY 1`
}

// reconRaw sums what the reconciliation report's columns sum: every
// disbursement ever paid (a returned one was paid first), the matched, the
// returned.
func reconRaw(key string) string {
	return `SELECT ` + key + `, SUM(d.amount), SUM(CASE WHEN d.reconciled THEN d.amount END), SUM(CASE WHEN d.status = 'returned' THEN d.amount END)
FROM disbursements d JOIN programs p ON p.id = d.program_id
JOIN agencies a ON a.id = p.agency_id WHERE p.fiscal_year = ? AND d.status IN ` + everPaidSQL + ` GROUP BY 1`
}

// reportsWorkload asks every report kind and group_by of report.Kinds
// through the HTTP API (JSON) and runs its plain SQL; each is the best of
// three after a first run that warms the caches.
func (r *run) reportsWorkload(ctx context.Context) error {
	c := &http.Client{}
	for _, k := range report.Kinds {
		groups := k.Groups
		if groups == nil {
			groups = []string{""}
		}
		for _, g := range groups {
			path := fmt.Sprintf("/api/v1/reports/%s?year=%d", k.Name, ReportYear)
			var arg any = ReportYear
			if k.Name == report.KindRegistry {
				// Today where the offices are, as the import dates the
				// history: the machine's date (UTC) is a day behind from
				// 16:00 UTC, and the registry as of it was empty.
				arg = time.Now().In(r.st.Loc).Format(time.DateOnly)
				path = "/api/v1/reports/registry?as_of=" + arg.(string)
			}
			if g != "" {
				path += "&group_by=" + g
			}
			var size int64
			pilar, pilarCPU, err := best(func() (err error) {
				size, err = r.get(ctx, c, path)
				return err
			})
			if err != nil {
				return err
			}
			// The peak RSS from one more request: measure first returns the
			// heap to the system, a forced collection that took 20-30 ms
			// with the recon workload's data live, and was timed as Pilar's
			// when best timed measure.
			_, rss, err := measure(func() error { _, err := r.get(ctx, c, path); return err })
			if err != nil {
				return err
			}
			qs := rawReports[k.Name+"/"+g]
			var raw, rawCPU time.Duration
			read := 0 // rows the raw SQL gave: a report of nothing is no measure
			if qs != nil {
				if raw, rawCPU, err = best(func() (err error) { read, err = r.rawQueries(ctx, qs, arg); return err }); err != nil {
					return fmt.Errorf("%s/%s raw: %w", k.Name, g, err)
				}
			}
			name := k.Name
			if g != "" {
				name += " by " + g
			}
			r.add(Row{Workload: name, Pilar: pilar.Seconds(), Raw: raw.Seconds(), Unit: "s", RSS: rss, Note: fmt.Sprintf("%d KiB JSON; CPU %s, raw %s, %d rows", size>>10, pilarCPU.Round(time.Millisecond), rawCPU.Round(time.Millisecond), read)})
		}
	}
	return nil
}

// rawQueries runs each query (with arg for each of its parameters, if it
// has any), reads every row it returns, and gives how many there were.
func (r *run) rawQueries(ctx context.Context, qs []string, arg any) (int, error) {
	read := 0
	for _, q := range qs {
		var args []any
		if n := strings.Count(q, "?"); n > 0 {
			args = slices.Repeat([]any{arg}, n)
			if r.opt.Engine == "postgres" {
				q, args = strings.ReplaceAll(q, "?", "$1"), args[:1]
			}
		}
		n, err := drain(ctx, r.db, q, args...)
		if err != nil {
			return read, err
		}
		read += n
	}
	return read, nil
}

// drain runs a query, scans every row into throwaway values, and gives
// how many there were.
func drain(ctx context.Context, db *sql.DB, q string, args ...any) (int, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	for i := range vals {
		vals[i] = new(any)
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(vals...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// best runs fn four times and returns the fastest of the last three, and
// the process CPU time of that run (the server runs in this process, so
// that is Pilar's CPU as a whole).
func best(fn func() error) (time.Duration, time.Duration, error) {
	if err := fn(); err != nil {
		return 0, 0, err
	}
	var min, cpu time.Duration
	for i := 0; i < 3; i++ {
		start, c0 := time.Now(), cpuTime()
		if err := fn(); err != nil {
			return 0, 0, err
		}
		if d := time.Since(start); i == 0 || d < min {
			min, cpu = d, cpuTime()-c0
		}
	}
	return min, cpu, nil
}
