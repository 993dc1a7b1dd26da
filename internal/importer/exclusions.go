package importer

import (
	"io"
	"strings"

	"pilar/internal/finance"
)

// maxListedRefusals caps the refused rows an exclusion upload lists; all
// are counted.
const maxListedRefusals = 100

// ExclusionFile reads an exclusion list (CSV or XLSX) with a header naming
// a nik and/or a nib column; every valid NIK and NIB of a row is one
// identifier, an invalid one is refused and counted.
type ExclusionFile struct {
	rows     Rows
	nik, nib int
	pending  []string // the current row's NIB, after its NIK was given
	Rows     int      // data rows read
	Refused  int      // identifiers refused
	Errors   []RowError
}

// OpenExclusions opens the file and finds its columns. Errors:
// validation_failed (unreadable, no nik or nib column).
func OpenExclusions(r io.Reader) (*ExclusionFile, error) {
	rows, err := Open(r)
	if err != nil {
		return nil, err
	}
	f := &ExclusionFile{rows: rows, nik: -1, nib: -1, Errors: []RowError{}}
	for i, h := range rows.Header() {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "nik":
			if f.nik < 0 {
				f.nik = i
			}
		case "nib":
			if f.nib < 0 {
				f.nib = i
			}
		}
	}
	if f.nik < 0 && f.nib < 0 {
		rows.Close()
		return nil, &finance.Error{Code: finance.EValidation, Msg: finance.M("the header names neither a nik nor a nib column (the first row must be the header)"),
			Fields: map[string]finance.Msg{"file": finance.M("needs a nik or nib column")}}
	}
	return f, nil
}

// Next returns the next valid identifier, as finance.ExclusionIdentifiers.
func (f *ExclusionFile) Next() (kind, value string, ok bool, err error) {
	for {
		if len(f.pending) == 2 {
			kind, value, f.pending = f.pending[0], f.pending[1], nil
			return kind, value, true, nil
		}
		if !f.rows.Next() {
			return "", "", false, nil
		}
		r := f.rows.Row()
		f.Rows++
		if r.Err != "" {
			f.refuse(RowError{Row: r.N, Message: r.Err})
			continue
		}
		nik, nib := cellAt(r.Values, f.nik), cellAt(r.Values, f.nib)
		if nib != "" {
			if msg := finance.ValidNIB(nib); msg != "" {
				f.refuse(RowError{Row: r.N, Field: "nib", Message: msg})
			} else {
				f.pending = []string{finance.IdentNIB, nib}
			}
		}
		if nik != "" {
			if msg := finance.ValidNIK(nik); msg != "" {
				f.refuse(RowError{Row: r.N, Field: "nik", Message: msg})
			} else {
				return finance.IdentNIK, nik, true, nil
			}
		}
	}
}

func (f *ExclusionFile) refuse(e RowError) {
	f.Refused++
	if len(f.Errors) < maxListedRefusals {
		f.Errors = append(f.Errors, e)
	}
}

// Close releases the file.
func (f *ExclusionFile) Close() error { return f.rows.Close() }

// cellAt is the trimmed cell i without a spreadsheet's text apostrophe and
// the spaces or dots some offices write inside numbers; "" when absent.
func cellAt(values []string, i int) string {
	if i < 0 || i >= len(values) {
		return ""
	}
	v := strings.TrimPrefix(strings.TrimSpace(values[i]), "'")
	return strings.NewReplacer(" ", "", ".", "", "-", "").Replace(v)
}
