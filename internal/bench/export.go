package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// exportWorkload downloads every disbursement as CSV and as XLSX through
// GET /api/v1/disbursements/export, and sets the CSV beside the raw limit:
// the same joined columns read with database/sql and written with
// encoding/csv to nowhere.
func (r *run) exportWorkload(ctx context.Context) error {
	c := &http.Client{}
	var rows int64
	var size int64
	c0 := cpuTime()
	csvTime, rss, base, err := measureFrom(func() error {
		req, err := http.NewRequestWithContext(ctx, "GET", r.base+"/api/v1/disbursements/export?format=csv", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+r.token)
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("export: %s", resp.Status)
		}
		buf := make([]byte, 1<<16)
		for {
			n, err := resp.Body.Read(buf)
			size += int64(n)
			rows += int64(bytes.Count(buf[:n], []byte{'\n'}))
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		rows-- // the header
		return nil
	})
	if err != nil {
		return err
	}
	csvCPU := cpuTime() - c0
	var rawRows int64
	c0 = cpuTime()
	raw, _, err := measure(func() error {
		q, err := r.db.QueryContext(ctx, `SELECT d.id, p.code, d.recipient_id, r.name, r.nik, r.phone, r.bank_code, r.account_no,
  d.amount, d.tranche, d.form, d.status, d.disbursed_on, d.approved_on, d.paid_on, d.returned_on, d.payment_ref, d.note, cu.email, au.email, d.reconciled
FROM disbursements d JOIN programs p ON p.id = d.program_id JOIN recipients r ON r.id = d.recipient_id
JOIN users cu ON cu.id = d.created_by_id LEFT JOIN users au ON au.id = d.approved_by_id ORDER BY d.id`)
		if err != nil {
			return err
		}
		defer q.Close()
		w := csv.NewWriter(io.Discard)
		var id, rid, amount, tranche int64
		var code, name, nik, phone, bank, acct, form, status, on, ref, note, cu string
		var approvedOn, paidOn, returnedOn, au *string
		var reconciled bool
		rec := make([]string, 21)
		for q.Next() {
			if err := q.Scan(&id, &code, &rid, &name, &nik, &phone, &bank, &acct, &amount, &tranche, &form, &status, &on, &approvedOn, &paidOn, &returnedOn,
				&ref, &note, &cu, &au, &reconciled); err != nil {
				return err
			}
			rec = append(rec[:0], strconv.FormatInt(id, 10), code, strconv.FormatInt(rid, 10), name, nik, phone, bank, acct,
				strconv.FormatInt(amount/100, 10)+"."+strconv.FormatInt(amount%100, 10), strconv.FormatInt(tranche, 10), form, status, on,
				deref(approvedOn), deref(paidOn), deref(returnedOn), ref, note, cu, deref(au), strconv.FormatBool(reconciled))
			w.Write(rec)
			rawRows++
		}
		w.Flush()
		return q.Err()
	})
	if err != nil {
		return err
	}
	rawCPU := cpuTime() - c0
	r.add(Row{Workload: "export CSV (rows/s)", Pilar: float64(rows) / csvTime.Seconds(), Raw: float64(rawRows) / raw.Seconds(), Unit: "rows/s", RSS: rss,
		Note: fmt.Sprintf("%d rows, %d MiB in %s; per CPU second %.0f rows, raw %.0f; RSS before %d MiB", rows, size>>20, csvTime.Round(time.Millisecond),
			float64(rows)/csvCPU.Seconds(), float64(rawRows)/rawCPU.Seconds(), base>>20)})
	var xsize int64
	c0 = cpuTime()
	xlsxTime, rss, base, err := measureFrom(func() (err error) {
		xsize, err = r.get(ctx, c, "/api/v1/disbursements/export?format=xlsx")
		return err
	})
	if err != nil {
		return err
	}
	r.add(Row{Workload: "export XLSX (rows/s)", Pilar: float64(rows) / xlsxTime.Seconds(), Unit: "rows/s", RSS: rss,
		Note: fmt.Sprintf("%d MiB in %s; per CPU second %.0f rows; RSS before %d MiB", xsize>>20, xlsxTime.Round(time.Millisecond),
			float64(rows)/(cpuTime()-c0).Seconds(), base>>20)})
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
