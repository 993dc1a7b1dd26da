package finance

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"pilar/internal/i18n"
	"slices"
	"strings"
)

// Disbursement flag kinds: what a reviewer should look at before approving.
// FlagSharedNIB and FlagSharedAccount are shared with the recipient flags.
const (
	FlagIneligibleSize     = "ineligible_size_class"
	FlagOutsideRegion      = "outside_region"
	FlagPaidByOtherProgram = "paid_by_other_program"
	FlagAmountMismatch     = "amount_mismatch"
	FlagOutsidePeriod      = "outside_period"
	FlagPaidAfterEnd       = "paid_after_end"
	FlagExcluded           = "excluded"
	FlagSharedNIK          = "shared_nik"
)

// FlagKinds lists every disbursement flag kind in the order pages show them.
var FlagKinds = []string{FlagIneligibleSize, FlagOutsideRegion, FlagPaidByOtherProgram, FlagAmountMismatch,
	FlagOutsidePeriod, FlagPaidAfterEnd, FlagExcluded, FlagSharedNIK, FlagSharedNIB, FlagSharedAccount}

// Flag is one reason to look twice at a disbursement.
type Flag struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	// MessageID is the message in Bahasa Indonesia, for pages; flags kept
	// before it existed have only Message.
	MessageID string `json:"message_id,omitempty"`
	ListID    int64  `json:"list_id,omitempty"` // the exclusion list matched
}

// flagOf is a flag with its message in English and Indonesian.
func flagOf(kind string, m Msg) Flag {
	return Flag{Kind: kind, Message: m.In("en"), MessageID: m.In("id")}
}

// In is the flag's message in lang: the Indonesian one where kept.
func (f Flag) In(lang string) string {
	if lang == "id" && f.MessageID != "" {
		return f.MessageID
	}
	return f.Message
}

// Flags are a disbursement's flags, stored as a JSON list.
type Flags []Flag

// MarshalJSON writes an empty list as [], never null.
func (f Flags) MarshalJSON() ([]byte, error) {
	if f == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]Flag(f))
}

// Value stores the flags as JSON text.
func (f Flags) Value() (driver.Value, error) {
	b, err := f.MarshalJSON()
	return string(b), err
}

// Scan reads the JSON text.
func (f *Flags) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("finance: cannot scan %T as flags", src)
	}
	*f = Flags{}
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, (*[]Flag)(f))
}

// Has reports whether a flag of kind is among f.
func (f Flags) Has(kind string) bool {
	return slices.ContainsFunc(f, func(x Flag) bool { return x.Kind == kind })
}

// ExclusionMatch is an exclusion list that holds a recipient's NIK or NIB.
type ExclusionMatch struct {
	ListID int64  `json:"list_id"`
	Kind   string `json:"kind"`
	Source string `json:"source"`
	AsOf   string `json:"as_of"`
	By     string `json:"by"` // "NIK" or "NIB"
}

// FlagFacts are what the store gathers about a disbursement for its flags:
// its program and recipient, the other programs of the same fiscal year
// that already paid the recipient, the exclusion lists holding the
// recipient, and the other recipients sharing its NIK, NIB or bank account.
type FlagFacts struct {
	Program       *Program
	Recipient     *Recipient
	OtherPrograms []string
	Exclusions    []ExclusionMatch
	SharedNIK     []int64
	SharedNIB     []int64
	SharedAccount []int64
}

// Ineligibility says why a recipient of size class size in region is
// outside a program's eligible size classes or region, as the flag kind
// and a message; "" when it is inside both. A program region covers its
// sub-regions ("64" covers "64.72").
func Ineligibility(eligible []string, programRegion, size, region string) (kind string, why Msg) {
	if len(eligible) > 0 && !slices.Contains(eligible, size) {
		if size == "" {
			size = "unknown"
		}
		return FlagIneligibleSize, M("size class %s is not among the program's eligible classes (%s)", size, strings.Join(eligible, ", "))
	}
	if programRegion != "" && region != programRegion && !strings.HasPrefix(region, programRegion+".") {
		return FlagOutsideRegion, M("region %q is outside the program's region %s", region, programRegion)
	}
	return "", Msg{}
}

// ComputeFlags lists what is worth a second look about d, from the facts
// the store gathered; a paid_after_end flag already on d is kept.
func ComputeFlags(d *Disbursement, f FlagFacts) Flags {
	out := Flags{}
	add := func(kind string, m Msg) { out = append(out, flagOf(kind, m)) }
	p, r := f.Program, f.Recipient
	if p != nil && r != nil {
		sizes := p.EligibleSizeClasses
		if len(sizes) > 0 && !slices.Contains(sizes, r.SizeClass) {
			kind, why := Ineligibility(sizes, "", r.SizeClass, "")
			add(kind, why)
		}
		if kind, why := Ineligibility(nil, p.RegionCode, r.SizeClass, r.RegionCode); kind != "" {
			add(kind, why)
		}
	}
	if len(f.OtherPrograms) > 0 {
		add(FlagPaidByOtherProgram, M("already paid in fiscal year %d by %s", p.FiscalYear, strings.Join(f.OtherPrograms, ", ")))
	}
	if p != nil && p.AmountPerRecipient != nil && !d.Amount.Equal(*p.AmountPerRecipient) {
		add(FlagAmountMismatch, M("amount %s differs from the program's fixed amount %s", d.Amount.Rupiah(), p.AmountPerRecipient.Rupiah()))
	}
	if p != nil && (d.DisbursedOn < p.StartsOn || d.DisbursedOn > p.EndsOn) {
		add(FlagOutsidePeriod, M("disbursed_on %s is outside the program's period, %s to %s", i18n.Day(d.DisbursedOn), i18n.Day(p.StartsOn), i18n.Day(p.EndsOn)))
	}
	for _, x := range d.Flags {
		if x.Kind == FlagPaidAfterEnd {
			out = append(out, x)
		}
	}
	for _, m := range f.Exclusions {
		add(FlagExcluded, M("the %s is on exclusion list %d (%s, %s, as of %s)", m.By, m.ListID, m.Kind, m.Source, i18n.Day(m.AsOf)))
		out[len(out)-1].ListID = m.ListID
	}
	for _, s := range []struct {
		kind string
		what Msg
		ids  []int64
	}{{FlagSharedNIK, M("NIK"), f.SharedNIK}, {FlagSharedNIB, M("NIB"), f.SharedNIB}, {FlagSharedAccount, M("bank account"), f.SharedAccount}} {
		if len(s.ids) > 0 {
			add(s.kind, M("the %s is also that of recipient(s) %s", s.what, joinIDs(s.ids)))
		}
	}
	return out
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ", ")
}

// ApplyFlags keeps the flags computed for action on d. Approving a flagged
// disbursement needs a reason, which is kept with it; one sent for an
// unflagged disbursement is not kept. Errors: validation_failed naming
// override_reason.
func (d *Disbursement) ApplyFlags(action string, flags Flags, in ActionInput) error {
	d.Flags = flags
	if action != ActionApprove || len(flags) == 0 {
		return nil
	}
	reason := strings.TrimSpace(str(in.OverrideReason))
	kinds := make([]string, len(flags))
	for i, f := range flags {
		kinds[i] = f.Kind
	}
	if reason == "" {
		return FieldError("override_reason", "is required: this disbursement is flagged (%s); say why it is approved all the same", strings.Join(kinds, ", "))
	}
	if msg := TextMsg(reason, TextLimit("override_reason")); msg.Key != "" {
		return Fields{"override_reason": msg}.Err()
	}
	d.OverrideReason = reason
	return nil
}

// FlagPaidAfterEnd adds the flag "paid after the program ended" when d was
// paid after p's end; such a payment is accepted.
func (d *Disbursement) FlagPaidAfterEnd(p *Program) {
	if d.PaidOn != nil && *d.PaidOn > p.EndsOn && !d.Flags.Has(FlagPaidAfterEnd) {
		d.Flags = append(d.Flags, flagOf(FlagPaidAfterEnd, M("paid after the program ended (paid %s, program ended %s)", i18n.Day(*d.PaidOn), i18n.Day(p.EndsOn))))
	}
}
