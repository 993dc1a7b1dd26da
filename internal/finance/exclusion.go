package finance

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// Exclusion list kinds: who may not receive support.
var ExclusionKinds = []string{"asn_tni_polri", "deceased", "kur_debtor", "other_credit", "blacklist", "other"}

// Acts on exclusion lists: admins manage them; reviewers and auditors see
// which exist and their counts.
const (
	ActManageExclusions Act = "manage_exclusions"
	ActReadExclusions   Act = "read_exclusions"
)

func init() {
	allowed[ActManageExclusions] = []string{RoleAdmin}
	allowed[ActReadExclusions] = []string{RoleAdmin, RoleReviewer, RoleAuditor}
}

// ExclusionList is an uploaded list of NIKs and NIBs, kept only as keyed
// hashes. A withdrawn or replaced list no longer matches anyone.
type ExclusionList struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Source      string     `json:"source"`
	AsOf        string     `json:"as_of"`
	FileName    string     `json:"file_name"`
	NIKCount    int        `json:"nik_count"`
	NIBCount    int        `json:"nib_count"`
	ReplacesID  *int64     `json:"replaces_id"`
	CreatedByID int64      `json:"-"`
	CreatedBy   string     `json:"created_by" gorm:"->"`
	CreatedAt   time.Time  `json:"created_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
}

// ExclusionListInput describes an upload; the identifiers come from its file.
type ExclusionListInput struct {
	Kind     string
	Source   string
	AsOf     string
	FileName string
	Replaces *int64 // the list this one replaces, withdrawn in the same step
}

// Validate checks the input. Errors: validation_failed.
func (in *ExclusionListInput) Validate() error {
	f := Fields{}
	in.Kind, in.Source, in.AsOf = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Source), strings.TrimSpace(in.AsOf)
	if !slices.Contains(ExclusionKinds, in.Kind) {
		f.Add("kind", "must be one of %s", strings.Join(ExclusionKinds, ", "))
	}
	if in.Source == "" {
		f.Add("source", "is required: who issued the list (such as BKD Provinsi Kaltim or Dukcapil)")
	}
	CheckText(f, "source", in.Source, MaxNameLength)
	if msg := ValidDate(in.AsOf); msg != "" {
		f.Add("as_of", msg)
	}
	in.FileName = CleanFileName(in.FileName)
	return f.Err()
}

// Identifier kinds of an exclusion list.
const (
	IdentNIK = "NIK"
	IdentNIB = "NIB"
)

// ExclusionHash is the keyed hash under which an identifier of kind
// IdentNIK or IdentNIB is stored and matched: HMAC-SHA256 over
// "nik:<value>" or "nib:<value>", in hex. Without the key the stored lists
// say nothing about who is on them.
func ExclusionHash(key []byte, kind, value string) string {
	return NewExclusionHasher(key)(kind, value)
}

// NewExclusionHasher returns ExclusionHash for one key, reusing its HMAC
// state: hashing a million identifiers then costs no allocation per key setup.
func NewExclusionHasher(key []byte) func(kind, value string) string {
	m := hmac.New(sha256.New, key)
	buf := make([]byte, 0, 64)
	sum := make([]byte, 0, sha256.Size)
	return func(kind, value string) string {
		m.Reset()
		buf = append(append(append(buf[:0], strings.ToLower(kind)...), ':'), value...)
		m.Write(buf)
		return hex.EncodeToString(m.Sum(sum[:0]))
	}
}

// ExclusionIdentifiers feeds the identifiers of an upload one at a time:
// each call returns the kind (IdentNIK or IdentNIB) and the value, or ok
// false at the end.
type ExclusionIdentifiers func() (kind, value string, ok bool, err error)

// ExclusionService keeps exclusion lists.
type ExclusionService interface {
	// CreateExclusionList stores a list's hashed identifiers (admin),
	// withdrawing the list it replaces. Errors: unauthorized, forbidden,
	// validation_failed, not_found (replaces), conflict (no exclusion.key
	// configured, or replacing a withdrawn list).
	CreateExclusionList(ctx context.Context, in ExclusionListInput, ids ExclusionIdentifiers) (*ExclusionList, error)
	// FindExclusionLists lists every list, newest first (admin, reviewer,
	// auditor). Errors: unauthorized, forbidden.
	FindExclusionLists(ctx context.Context) ([]*ExclusionList, error)
	// WithdrawExclusionList stops a list from matching and drops its
	// hashes (admin). Errors: unauthorized, forbidden, not_found, conflict (already withdrawn).
	WithdrawExclusionList(ctx context.Context, id int64) error
}
