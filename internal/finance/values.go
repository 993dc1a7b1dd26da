package finance

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Program kinds, funding sources and statuses; recipient kinds and size
// classes; disbursement forms. Each list is the whole set of valid values.
var (
	ProgramKinds    = []string{"grant", "credit", "training", "certification", "in_kind"}
	FundingSources  = []string{"APBN", "PEN", "APBD_PROV", "APBD_KAB", "DAK", "BI", "CSR", "OTHER"}
	ProgramStatuses = []string{"draft", "active", "closed"}
	RecipientKinds  = []string{"umkm", "koperasi", "kelompok"}
	SizeClasses     = []string{"mikro", "kecil", "menengah"}
	Forms           = []string{"transfer", "cash", "in_kind", "training_seat"}
)

func oneOf(f Fields, field, v string, set []string) {
	if !slices.Contains(set, v) {
		f.Add(field, "must be one of %s", strings.Join(set, ", "))
	}
}

// StringList is a list of short words stored as comma-separated text.
type StringList []string

// Value stores the list as "a,b,c".
func (l StringList) Value() (driver.Value, error) { return strings.Join(l, ","), nil }

// Scan reads "a,b,c".
func (l *StringList) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("finance: cannot scan %T as a list", src)
	}
	*l = StringList{}
	if s != "" {
		*l = strings.Split(s, ",")
	}
	return nil
}

const dateLayout = "2006-01-02"

// ValidDate reports why s is not a YYYY-MM-DD date, or "" when it is one.
func ValidDate(s string) string {
	if _, err := time.Parse(dateLayout, s); err != nil {
		return "must be a date as YYYY-MM-DD"
	}
	return ""
}

var regionRe = regexp.MustCompile(`^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$`)

// ValidRegionFormat reports why s is not shaped like a Kemendagri region
// code ("64", "64.72", "64.72.01", "64.72.01.1001"), or "".
func ValidRegionFormat(s string) string {
	if !regionRe.MatchString(s) {
		return "must be a Kemendagri region code such as 64 or 64.72"
	}
	return ""
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}
