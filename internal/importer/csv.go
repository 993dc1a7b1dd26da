package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

var bom = []byte("\xef\xbb\xbf")

// maxLine is the longest line a CSV file may have; longer means it is not
// a CSV file, and reading on would hold it all in memory.
const maxLine = 1 << 20

type csvRows struct {
	r       *csv.Reader
	skipped int64 // bytes before what r reads: the BOM
	header  []string
	row     Row
	done    bool
}

// openCSV reads the header, detecting the separator (comma or semicolon)
// from it. Errors: validation_failed.
func openCSV(br *bufio.Reader, head []byte) (Rows, error) {
	var skipped int64
	if bytes.HasPrefix(head, bom) {
		br.Discard(len(bom))
		head = head[len(bom):]
		skipped = int64(len(bom))
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	r := csv.NewReader(&lineLimit{r: br})
	r.Comma = detectComma(line)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, unreadable("the header row cannot be read: %s", csvProblem(err))
	}
	c := &csvRows{r: r, skipped: skipped, header: append([]string(nil), header...), row: Row{N: 1}}
	return c, nil
}

// detectComma picks the separator that occurs more often in the header,
// outside quotes; a comma when neither does.
func detectComma(line []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ',':
			commas++
		case b == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// Delimiter is the separator of a CSV file's cells (',' or ';', detected
// from its header); ',' for a workbook.
func Delimiter(rows Rows) rune {
	if c, ok := rows.(*csvRows); ok {
		return c.r.Comma
	}
	return ','
}

func (c *csvRows) Header() []string { return c.header }
func (c *csvRows) Row() Row         { return c.row }
func (c *csvRows) Close() error     { return nil }

func (c *csvRows) Next() bool {
	if c.done {
		return false
	}
	rec, err := c.r.Read()
	c.row = Row{N: c.row.N + 1, Values: rec}
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		c.done = true
		return false
	case errors.As(err, &pe) && errors.Is(err, csv.ErrQuote):
		// An unclosed quote swallows the rest of the file: nothing after it can be read.
		c.row.Err = fmt.Sprintf("a quote opened on line %d is never closed; the rest of the file could not be read", pe.StartLine)
		c.done = true
	case err != nil:
		c.row.Err = csvProblem(err)
		if !errors.As(err, &pe) {
			c.done = true // a read error, not a parse error: stop
		}
	default:
		c.row.Err = checkCells(rec, len(c.header))
	}
	return true
}

// checkCells says what is wrong with a row as a whole: a column count other
// than the header's (empty cells past the end are forgiven), binary data.
func checkCells(rec []string, want int) string {
	n := len(rec)
	for n > want && strings.TrimSpace(rec[n-1]) == "" {
		n--
	}
	if n != want {
		return fmt.Sprintf("has %d columns, the header has %d", n, want)
	}
	for _, v := range rec {
		if strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
			return "holds binary data or text that is not UTF-8"
		}
	}
	return ""
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return fmt.Sprintf(`a " inside an unquoted cell on line %d; put the cell in quotes and write the quote as ""`, pe0(err, &pe).Line)
	case errors.Is(err, csv.ErrQuote):
		return fmt.Sprintf("a quote opened on line %d is never closed", pe0(err, &pe).StartLine)
	case errors.Is(err, errLongLine):
		return "a line is longer than 1 MiB; this does not look like a CSV file"
	case errors.Is(err, io.EOF):
		return "the file has no header row"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

func pe0(err error, pe **csv.ParseError) *csv.ParseError {
	if errors.As(err, pe) {
		return *pe
	}
	return &csv.ParseError{}
}

var errLongLine = errors.New("line too long")

// lineLimit fails a read once a line grows past maxLine, so a file without
// line breaks cannot fill memory.
type lineLimit struct {
	r   io.Reader
	run int // bytes since the last line break
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if i := bytes.LastIndexByte(p[:n], '\n'); i >= 0 {
		l.run = n - i - 1
	} else {
		l.run += n
	}
	if l.run > maxLine {
		return n, errLongLine
	}
	return n, err
}
