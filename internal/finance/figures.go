package finance

import "pilar/internal/money"

// FiguresRow is one row of a yearly figures file (issue 14): the offices'
// spreadsheets of size class, status and figures per recipient, each with
// the date from which they hold. The recipient is named by RecipientID,
// LegalNumber (a koperasi), NIK (an umkm first) or NIB; every identifier
// given must name the same recipient. A value left nil stays as the
// recipient's history has it on that date.
type FiguresRow struct {
	RecipientID    *int64     `json:"recipient_id"`
	NIK            string     `json:"nik"`
	NIB            string     `json:"nib"`
	LegalNumber    string     `json:"legal_number"`
	ValidFrom      string     `json:"valid_from"` // YYYY-MM-DD
	SizeClass      *string    `json:"size_class"`
	Active         *bool      `json:"active"`
	Members        *int       `json:"members"`
	LastRATYear    *int       `json:"last_rat_year"`
	BusinessVolume *money.Raw `json:"business_volume"`
	Assets         *money.Raw `json:"assets"`
	Workforce      *int       `json:"workforce"`
}

// Check refuses a row without an identifier, a date or any value; the
// values themselves are checked as a recipient's are, by Input and
// Recipient.Patch. Errors: validation_failed.
func (r FiguresRow) Check() error {
	f := Fields{}
	f.checkInput(r)
	if r.RecipientID == nil && r.NIK == "" && r.NIB == "" && r.LegalNumber == "" {
		f.Add("recipient_id", "give recipient_id, nik, nib or legal_number")
	}
	if r.RecipientID != nil && *r.RecipientID <= 0 {
		f.Add("recipient_id", "must be a recipient's id, a whole number above 0")
	}
	if r.NIK != "" {
		if msg := ValidNIK(r.NIK); msg != "" {
			f.Add("nik", msg)
		}
	}
	if r.NIB != "" {
		if msg := ValidNIB(r.NIB); msg != "" {
			f.Add("nib", msg)
		}
	}
	if r.ValidFrom == "" {
		f.Add("valid_from", "is required: the date from which the figures hold")
	} else if msg := ValidDate(r.ValidFrom); msg != "" {
		f.Add("valid_from", msg)
	}
	if r.SizeClass == nil && r.Active == nil && r.Members == nil && r.LastRATYear == nil &&
		r.BusinessVolume == nil && r.Assets == nil && r.Workforce == nil {
		f.Add("size_class", "the row gives no figures: fill at least one of size_class, active, members, business_volume, assets, workforce or last_rat_year")
	}
	return f.Err()
}

// Input is the row's values as a recipient change, so that they pass the
// recipient's own rules (Recipient.Patch); the date is the row's.
func (r FiguresRow) Input() RecipientInput {
	return RecipientInput{SizeClass: r.SizeClass, Active: r.Active, Members: r.Members, LastRATYear: r.LastRATYear,
		BusinessVolume: r.BusinessVolume, Assets: r.Assets, Workforce: r.Workforce, ValidFrom: &r.ValidFrom}
}
