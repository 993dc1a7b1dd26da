// Package money holds the Amount type: rupiah with at most two decimals,
// exact from input to database to output. Amounts are stored as integer sen
// so that SUM in SQL is exact on SQLite and PostgreSQL alike.
package money

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Amount is an exact rupiah amount. The zero value is Rp0.
type Amount struct{ d decimal.Decimal }

// Max is the largest amount Pilar accepts: Rp1.000.000.000.000.000 (10^15).
var Max = decimal.New(1, 15)

var hundred = decimal.NewFromInt(100)

// Zero is Rp0.
var Zero = Amount{}

// FromSen builds an amount from integer sen (hundredths of a rupiah).
func FromSen(sen int64) Amount { return Amount{decimal.New(sen, -2)} }

// FromDecimal builds an amount from a decimal, rounding half up to the sen.
func FromDecimal(d decimal.Decimal) Amount { return Amount{d.Round(2)} }

// Decimal returns the amount as a decimal.
func (a Amount) Decimal() decimal.Decimal { return a.d }

// Sen returns the amount in integer sen.
func (a Amount) Sen() int64 { return a.d.Mul(hundred).IntPart() }

// Add returns a + b.
func (a Amount) Add(b Amount) Amount { return Amount{a.d.Add(b.d)} }

// Sub returns a - b.
func (a Amount) Sub(b Amount) Amount { return Amount{a.d.Sub(b.d)} }

// Cmp compares a and b like strings.Compare.
func (a Amount) Cmp(b Amount) int { return a.d.Cmp(b.d) }

// Equal reports whether a and b are the same amount.
func (a Amount) Equal(b Amount) bool { return a.d.Equal(b.d) }

// IsZero reports whether the amount is Rp0.
func (a Amount) IsZero() bool { return a.d.IsZero() }

// IsNegative reports whether the amount is below zero.
func (a Amount) IsNegative() bool { return a.d.IsNegative() }

// Neg returns -a.
func (a Amount) Neg() Amount { return Amount{a.d.Neg()} }

// String is the amount with exactly two decimals: "2400000.00".
func (a Amount) String() string { return a.d.StringFixed(2) }

// AppendText appends String's text to dst. An amount read from the
// database (FromSen: integer sen, exponent -2) is written with integer
// arithmetic, without the allocations of decimal's formatting, which an
// export of a million rows would otherwise pay on every row.
func (a Amount) AppendText(dst []byte) []byte {
	if a.d.Exponent() != -2 || a.d.NumDigits() > 18 {
		return append(dst, a.String()...)
	}
	sen := a.d.CoefficientInt64()
	u := uint64(sen)
	if sen < 0 {
		dst = append(dst, '-')
		u = -u
	}
	dst = strconv.AppendUint(dst, u/100, 10)
	return append(dst, '.', byte('0'+u/10%10), byte('0'+u%10))
}

// MarshalJSON writes the amount as a string with two decimals.
func (a Amount) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// Value stores the amount as integer sen.
func (a Amount) Value() (driver.Value, error) { return a.Sen(), nil }

// Scan reads integer sen; PostgreSQL's SUM(bigint) arrives as numeric text.
func (a *Amount) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*a = Zero
	case int64:
		*a = FromSen(v)
	case []byte:
		return a.scanText(string(v))
	case string:
		return a.scanText(v)
	default:
		return fmt.Errorf("money: cannot scan %T as sen", src)
	}
	return nil
}

func (a *Amount) scanText(s string) error {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("money: bad sen value %q: %w", s, err)
	}
	if !d.Equal(d.Truncate(0)) {
		return fmt.Errorf("money: sen value %q is not whole", s)
	}
	*a = Amount{d.Div(hundred)}
	return nil
}

var (
	plainRe = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	// Indonesian spreadsheet style: 2.400.000 or 2.400.000,50 or 1234567,89
	idDotsRe  = regexp.MustCompile(`^-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]*)?$`)
	idCommaRe = regexp.MustCompile(`^-?[0-9]+,[0-9]{1,2}$`)
)

// ErrAmount describes why an amount was refused; its text is meant for users:
// Reason is a message key (English; finance.Msg, Indonesian in
// internal/i18n) and Args its arguments.
type ErrAmount struct {
	Reason string
	Args   []any
}

func (e *ErrAmount) Error() string {
	if len(e.Args) == 0 {
		return e.Reason
	}
	return fmt.Sprintf(e.Reason, e.Args...)
}

func refuse(reason string, args ...any) error { return &ErrAmount{reason, args} }

// NotANumber is the reason of an amount in a notation the parser does not
// read; its argument is an example of one it does: PlainExample for Parse
// (the JSON API), LocalExample for ParseLocal (forms, spreadsheets).
const NotANumber = "must be a plain decimal number such as %s"

// The examples NotANumber gives.
const (
	PlainExample = "2400000.00"
	LocalExample = "2.400.000"
)

// Parse reads an amount in plain decimal notation ("2400000", "2400000.50")
// and applies Pilar's rules: greater than zero, at most two decimals as
// written, at most 10^15. Errors are *ErrAmount with a message for users.
func Parse(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Zero, refuse("is required")
	}
	if !plainRe.MatchString(s) {
		return Zero, refuse(NotANumber, PlainExample)
	}
	// More than two decimals as written is refused even when they are
	// zeros: "10.000" is ten thousand to an Indonesian writer, not Rp10.
	if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > 2 {
		return Zero, refuse("must have at most 2 decimals")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Zero, refuse(NotANumber, PlainExample)
	}
	return check(d)
}

// LocalPlain is an amount written the Indonesian way ("Rp2.400.000",
// "-5.000", "1234567,89") in the plain notation Parse reads ("2400000",
// "-5000", "1234567.89"); other text comes back trimmed, for Parse to judge.
func LocalPlain(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "Rp"), "rp")
	s = strings.TrimSpace(s)
	switch {
	case idDotsRe.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
		s = strings.TrimSuffix(strings.Replace(s, ",", ".", 1), ".")
	case idCommaRe.MatchString(s):
		s = strings.Replace(s, ",", ".", 1)
	}
	return s
}

// ParseLocal reads an amount as Parse does and also accepts the forms
// Indonesian spreadsheets use: "2.400.000", "2.400.000,00", "1234567,89".
func ParseLocal(s string) (Amount, error) {
	a, err := Parse(LocalPlain(s))
	if e, ok := err.(*ErrAmount); ok && e.Reason == NotANumber {
		// Say what this parser reads: Indonesian grouping, which people type.
		return a, refuse(NotANumber, LocalExample)
	}
	return a, err
}

func check(d decimal.Decimal) (Amount, error) {
	if d.Sign() <= 0 {
		return Zero, refuse("must be greater than zero")
	}
	if d.Exponent() < -2 && !d.Equal(d.Truncate(2)) {
		return Zero, refuse("must have at most 2 decimals")
	}
	if d.GreaterThan(Max) {
		return Zero, refuse("must not exceed 1000000000000000")
	}
	return Amount{d.Truncate(2)}, nil
}

// Raw is an amount as it arrived in JSON: a string or a number literal, kept
// as text so that it can be parsed exactly and refused with a field message.
type Raw string

// UnmarshalJSON keeps a JSON string's content, or any other literal's text;
// Parse later refuses what is not an amount, with a message for the field.
func (r *Raw) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*r = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = Raw(s)
	default:
		*r = Raw(b)
	}
	return nil
}
