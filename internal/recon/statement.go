// Package recon reads bank statements (CSV, MT940, ISO 20022 camt.053) and
// matches their lines to paid disbursements. It is pure: no database, no
// HTTP. Readers turn a file into statements; Match turns statements and
// disbursements into matches, each recording the rule that made it.
package recon

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"pilar/internal/money"
)

// Formats are the statement formats the readers know.
var Formats = []string{"csv", "mt940", "camt053"}

// Line is one booked movement on the paying account. Amount is signed:
// money out (a debit) is negative.
type Line struct {
	N                   int    // the line (or XML line) of the file where it starts
	BookingDate         string // YYYY-MM-DD
	ValueDate           string // YYYY-MM-DD, may be empty
	AmountSen           int64
	Reference           string
	CounterpartyAccount string
	CounterpartyName    string
	Description         string
}

// Amount is the line's signed amount.
func (l Line) Amount() money.Amount { return money.FromSen(l.AmountSen) }

// Statement is one account's statement for one period.
type Statement struct {
	Account    string
	Currency   string
	Number     string // the bank's statement number (:28C:, camt Id), may be empty
	From, To   string // the period, YYYY-MM-DD
	OpeningSen int64
	ClosingSen int64
	Lines      []Line
	// Problems are the lines that could not be read; the rest of the
	// statement was read without them.
	Problems []Problem
	// HasBalances is false for a CSV without opening and closing balances.
	HasBalances bool
	// streamed says the lines went to Options.Each, not into Lines; n and
	// sum count them.
	streamed bool
	n        int
	sum      int64
}

// NumLines is how many lines the statement holds, in Lines or streamed.
func (s *Statement) NumLines() int {
	if s.streamed {
		return s.n
	}
	return len(s.Lines)
}

// DifferenceSen is closing - opening - the sum of the lines.
func (s *Statement) DifferenceSen() int64 {
	d := s.ClosingSen - s.OpeningSen
	if s.streamed {
		return d - s.sum
	}
	for _, l := range s.Lines {
		d -= l.AmountSen
	}
	return d
}

// add takes a line: into Lines, or to each when set (the statement then
// keeps only its count, sum and period).
func (s *Statement) add(l Line, each func(Line) error) error {
	if each == nil {
		s.Lines = append(s.Lines, l)
		return nil
	}
	s.streamed = true
	s.n++
	s.sum += l.AmountSen
	if s.From == "" || l.BookingDate < s.From {
		s.From = l.BookingDate
	}
	if s.To == "" || l.BookingDate > s.To {
		s.To = l.BookingDate
	}
	return each(l)
}

// Balanced reports whether opening plus the lines equals closing.
func (s *Statement) Balanced() bool { return s.DifferenceSen() == 0 }

// period sets From and To from the lines when the file did not say.
func (s *Statement) period() {
	for _, l := range s.Lines {
		if s.From == "" || l.BookingDate < s.From {
			s.From = l.BookingDate
		}
		if s.To == "" || l.BookingDate > s.To {
			s.To = l.BookingDate
		}
	}
}

// Problem is one line of a file that was skipped, and why.
type Problem struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// ReadError refuses a file that cannot be read at all, naming where and why.
type ReadError struct {
	Line   int
	Reason string
}

func (e *ReadError) Error() string {
	if e.Line == 0 {
		return e.Reason
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

// CurrencyError refuses a statement in another currency than the expected one.
type CurrencyError struct {
	Line     int
	Got      string
	Expected string
}

func (e *CurrencyError) Error() string {
	return fmt.Sprintf("line %d: the statement is in %s, not %s as given with the upload", e.Line, e.Got, e.Expected)
}

// Options tell a reader what to expect.
type Options struct {
	// Account is the paying account; it names the statement when the
	// file does not (CSV).
	Account string
	// Currency is the expected currency (IDR when empty); a statement in
	// another one is a *CurrencyError.
	Currency string
	// Profile maps a bank's CSV columns; the zero value is the default columns.
	Profile CSVProfile
	// Each, when set, receives a CSV statement's lines one at a time as
	// they are read, instead of Statement.Lines (which stays empty), so a
	// file of millions of lines is never held; an error from Each stops the
	// reading and is returned as it is. The other formats ignore it.
	Each func(Line) error
}

func (o Options) currency() string {
	if o.Currency == "" {
		return "IDR"
	}
	return strings.ToUpper(o.Currency)
}

// maxLines bounds a statement; a file with more is refused rather than
// allowed to fill memory.
const maxLines = 5_000_000

// Read reads a file of the given format ("csv", "mt940", "camt053").
// Errors: *ReadError (the file cannot be read), *CurrencyError.
func Read(format string, r io.Reader, opt Options) ([]*Statement, error) {
	switch format {
	case "csv":
		return ReadCSV(r, opt)
	case "mt940":
		return ReadMT940(r, opt)
	case "camt053", "camt.053":
		return ReadCamt053(r, opt)
	}
	return nil, &ReadError{Reason: fmt.Sprintf("unknown format %q; use csv, mt940 or camt053", format)}
}

// IsReadError reports whether err refuses a file (unreadable or wrong currency).
func IsReadError(err error) bool {
	var re *ReadError
	var ce *CurrencyError
	return errors.As(err, &re) || errors.As(err, &ce)
}
