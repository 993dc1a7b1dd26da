// Package importer reads recipient and disbursement files (CSV or XLSX)
// row by row, in constant memory, and feeds them to the store in batched
// transactions, answering with the counts and refused rows of FORMATS.md.
package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"pilar/internal/finance"
)

// Row is one data row of a file.
type Row struct {
	N      int      // row number; the header is row 1
	Values []string // cells in header order; valid until the next call to Next
	Err    string   // what makes the whole row unreadable, or ""
}

// Rows reads a file's data rows one at a time.
type Rows interface {
	// Header is the header row as written in the file.
	Header() []string
	// Next advances to the next row; false at the end of the file or after
	// a row that made the rest of the file unreadable.
	Next() bool
	// Row is the current row.
	Row() Row
	// Close releases what the reader holds.
	Close() error
}

// sniffSize is how much of a file is looked at to tell what it is.
const sniffSize = 8 << 10

// Open reads the start of a file to tell CSV from XLSX (by content, not by
// name) and returns a row reader over it. Errors: validation_failed (empty,
// binary, not UTF-8, no header, an XLSX that cannot be opened).
func Open(r io.Reader) (Rows, error) {
	zipped, err := checkIfZip(r)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(sniffSize)
	switch {
	case len(bytes.TrimSpace(bytes.TrimPrefix(head, bom))) == 0:
		return nil, unreadable("the file is empty; it needs a header row and at least one data row")
	case bytes.HasPrefix(head, zipMagic) && zipped:
		return openXLSX(br)
	case bytes.HasPrefix(head, zipMagic):
		return openXLSXInMemory(br)
	case bytes.IndexByte(head, 0) >= 0 || !validUTF8Prefix(head):
		return nil, unreadable("the file is not a CSV text file (it holds binary data or text that is not UTF-8); save it as \"CSV UTF-8\" or upload the .xlsx")
	}
	return openCSV(br, head)
}

var zipMagic = []byte("PK\x03\x04")

// checkIfZip looks, in a file it can seek in (an upload spooled to disk, a
// file named on the command line), whether it is a zip, and if so checks
// its parts with checkZip before anything is inflated; the file is left
// where it was. It says whether the file was checked.
func checkIfZip(r io.Reader) (bool, error) {
	ra, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	})
	if !ok {
		return false, nil
	}
	pos, err := ra.Seek(0, io.SeekCurrent)
	if err != nil {
		return false, nil
	}
	end, err := ra.Seek(0, io.SeekEnd)
	if _, err2 := ra.Seek(pos, io.SeekStart); err != nil || err2 != nil {
		return false, nil
	}
	magic := make([]byte, len(zipMagic))
	if n, _ := ra.ReadAt(magic, pos); n < len(magic) || !bytes.Equal(magic, zipMagic) {
		return false, nil
	}
	if end-pos > xlsxMaxBytes {
		return true, unreadable(fmt.Sprintf("the workbook is larger than %d bytes; split it or save it as CSV", xlsxMaxBytes))
	}
	return true, checkZip(io.NewSectionReader(ra, pos, end-pos), end-pos)
}

// validUTF8Prefix is utf8.Valid, forgiving a character cut at the end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// unreadable is the error of a file that cannot be read: key and args are
// its message (finance.Msg), on the error and on the field "file".
func unreadable(key string, args ...any) error {
	m := finance.M(key, args...)
	return &finance.Error{Code: finance.EValidation, Msg: m, Fields: map[string]finance.Msg{"file": m}}
}
