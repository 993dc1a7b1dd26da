package export

import (
	"encoding/csv"
	"io"

	"pilar/internal/report"
)

// csvSink writes UTF-8 CSV with a BOM (so that Excel reads the encoding
// right) and a header of the columns' machine names. Amounts are plain
// decimals ("2400000.00"); a negative amount keeps its minus sign
// ("-10000.00"): it is a number Pilar wrote, not text a user typed, and a
// spreadsheet reads a minus followed by digits as a number, not a formula.
type csvSink struct {
	w *csv.Writer
}

// NewCSV returns an encoder writing t as CSV to w, having written the BOM
// and the header row (errors surface at Encode or Close).
func NewCSV(w io.Writer, t report.Table, lang string) *Encoder {
	io.WriteString(w, "\uFEFF")
	s := &csvSink{w: csv.NewWriter(w)}
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	s.w.Write(header)
	return &Encoder{lang: lang, out: s}
}

func (s *csvSink) row(cells []any, _ bool) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = text(c)
	}
	return s.w.Write(rec)
}

func (s *csvSink) close() error {
	s.w.Flush()
	return s.w.Error()
}
