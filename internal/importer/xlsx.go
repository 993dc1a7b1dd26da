package importer

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

type xlsxRows struct {
	f      *excelize.File
	rows   *excelize.Rows
	header []string
	row    Row
	done   bool
	total  int // rows of the sheet by its dimension ("A1:N1001"), 0 if unknown
}

// openXLSXInMemory reads a workbook that came as a plain stream (at most
// xlsxMaxBytes, as excelize reads it whole anyway), checks its parts with
// checkZip and opens it. Errors: validation_failed.
func openXLSXInMemory(r io.Reader) (Rows, error) {
	b, err := io.ReadAll(io.LimitReader(r, xlsxMaxBytes+1))
	if err != nil {
		return nil, unreadable("the file cannot be read: " + err.Error())
	}
	if len(b) > xlsxMaxBytes {
		return nil, unreadable(fmt.Sprintf("the workbook is larger than %d bytes; split it or save it as CSV", xlsxMaxBytes))
	}
	if err := checkZip(bytes.NewReader(b), int64(len(b))); err != nil {
		return nil, err
	}
	return openXLSX(bytes.NewReader(b))
}

// openXLSX opens the workbook and reads the header from the first sheet's
// first row. Cells are read raw (not through their number format), so a
// 16-digit NIK stays as typed and dates arrive as day numbers. Errors:
// validation_failed.
func openXLSX(r io.Reader) (Rows, error) {
	f, err := excelize.OpenReader(r, xlsxOptions)
	if err != nil {
		return nil, unreadable("the file looks like an XLSX workbook but cannot be opened: %s", err.Error())
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, unreadable("the workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, unreadable("the first sheet cannot be read: %s", err.Error())
	}
	x := &xlsxRows{f: f, rows: rows, row: Row{N: 1}}
	if dim, err := f.GetSheetDimension(sheets[0]); err == nil {
		if _, last, ok := strings.Cut(dim, ":"); ok {
			_, x.total, _ = excelize.CellNameToCoordinates(last)
		}
	}
	if !rows.Next() {
		x.Close()
		return nil, unreadable("the first sheet is empty; it needs a header row")
	}
	header, err := rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil || len(header) == 0 {
		x.Close()
		return nil, unreadable("the first row of the first sheet must be the header")
	}
	x.header = header
	return x, nil
}

func (x *xlsxRows) Header() []string { return x.header }
func (x *xlsxRows) Row() Row         { return x.row }

func (x *xlsxRows) Close() error {
	if x.rows != nil {
		x.rows.Close()
	}
	return x.f.Close()
}

func (x *xlsxRows) Next() bool {
	for !x.done {
		if !x.rows.Next() {
			x.done = true
			if err := x.rows.Error(); err != nil {
				x.row = Row{N: x.row.N + 1, Err: "the sheet cannot be read from here on: " + err.Error()}
				return true
			}
			return false
		}
		x.row.N++
		cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			x.row = Row{N: x.row.N, Err: "the row cannot be read: " + err.Error()}
			return true
		}
		if strings.TrimSpace(strings.Join(cells, "")) == "" {
			continue // empty rows are skipped, as CSV skips empty lines
		}
		x.row = Row{N: x.row.N, Values: cells}
		// XLSX drops empty cells at the end of a row: pad to the header.
		for len(x.row.Values) < len(x.header) {
			x.row.Values = append(x.row.Values, "")
		}
		x.row.Err = checkCells(x.row.Values, len(x.header))
		return true
	}
	return false
}
