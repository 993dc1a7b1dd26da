package store

import (
	"database/sql"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// TestScanInto_Grows: rows scanned past a batch's capacity move to a
// larger array, and an export line, which points into itself, still reads
// the next rows into where they are when the batch is used again.
func TestScanInto_Grows(t *testing.T) {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	scan := func(rows *sql.Rows, l *exportLine) (bool, error) { return true, l.scan(rows) }
	b := make([]exportLine, 0, 4)
	for _, from := range []int64{1, 101} {
		rows, err := db.Query(`WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ? + 9)
SELECT i, 'P', i, 'Usaha', 'nik', 'phone', 'BPD', 'acct', 100 * i, 1, 'transfer', 'paid', '2024-07-01', '2024-07-0' || (i % 9 + 1),
  NULL, NULL, 'ref', 'note', 'officer', 'reviewer', 0 FROM n`, from, from)
		if err != nil {
			t.Fatal(err)
		}
		b, err = scanInto(rows, b, 0, scan)
		rows.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != 10 {
			t.Fatalf("from %d: %d rows, want 10", from, len(b))
		}
		for k, l := range b {
			id := from + int64(k)
			if l.line.ID != id || l.line.RecipientID != id || l.line.Amount.Sen() != 100*id || l.line.ApprovedOn == nil ||
				*l.line.ApprovedOn != "2024-07-0"+string(rune('1'+id%9)) || l.line.PaidOn != nil {
				t.Fatalf("from %d, row %d: %+v, want id %d", from, k, l.line, id)
			}
		}
	}
}
