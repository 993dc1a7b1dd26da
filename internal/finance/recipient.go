package finance

import (
	"context"
	"strings"
	"time"

	"pilar/internal/money"
)

// Recipient is a business, cooperative or group that programs pay.
type Recipient struct {
	ID            int64         `json:"id"`
	Kind          string        `json:"kind"`
	Name          string        `json:"name"`
	OwnerName     string        `json:"owner_name"`
	NIK           string        `json:"nik" gorm:"column:nik"`
	NIB           string        `json:"nib" gorm:"column:nib"`
	NPWP          string        `json:"npwp" gorm:"column:npwp"`
	Sector        string        `json:"sector"`
	SizeClass     string        `json:"size_class"`
	RegionCode    string        `json:"region_code"`
	Address       string        `json:"address"`
	Phone         string        `json:"phone"`
	BankCode      string        `json:"bank_code"`
	AccountNo     string        `json:"account_no"`
	AccountHolder string        `json:"account_holder"`
	Capital       *money.Amount `json:"capital"`
	AnnualSales   *money.Amount `json:"annual_sales"`
	LegalNumber   string        `json:"legal_number"`
	Members       *int          `json:"members"`
	LastRATYear   *int          `json:"last_rat_year" gorm:"column:last_rat_year"`
	Active        *bool         `json:"active"`
	// BusinessVolume, Assets and Workforce are the latest yearly figures
	// (volume usaha, aset, tenaga kerja); their history is in the registry.
	BusinessVolume *money.Amount `json:"business_volume"`
	Assets         *money.Amount `json:"assets"`
	Workforce      *int          `json:"workforce"`
	OwnerSex       string        `json:"owner_sex,omitempty" gorm:"-"`  // F or M, decoded from the NIK
	OwnerBorn      string        `json:"owner_born,omitempty" gorm:"-"` // YYYY-MM-DD from the NIK; withheld when masked
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// RecipientInput is what a client sends to create or change a recipient; on
// a change, nil fields stay as they are.
type RecipientInput struct {
	Kind           *string    `json:"kind"`
	Name           *string    `json:"name"`
	OwnerName      *string    `json:"owner_name"`
	NIK            *string    `json:"nik"`
	NIB            *string    `json:"nib"`
	NPWP           *string    `json:"npwp"`
	Sector         *string    `json:"sector"`
	SizeClass      *string    `json:"size_class"`
	RegionCode     *string    `json:"region_code"`
	Address        *string    `json:"address"`
	Phone          *string    `json:"phone"`
	BankCode       *string    `json:"bank_code"`
	AccountNo      *string    `json:"account_no"`
	AccountHolder  *string    `json:"account_holder"`
	Capital        *money.Raw `json:"capital"`
	AnnualSales    *money.Raw `json:"annual_sales"`
	LegalNumber    *string    `json:"legal_number"`
	Members        *int       `json:"members"`
	LastRATYear    *int       `json:"last_rat_year"`
	Active         *bool      `json:"active"`
	BusinessVolume *money.Raw `json:"business_volume"`
	Assets         *money.Raw `json:"assets"`
	Workforce      *int       `json:"workforce"`
	// ValidFrom is the date (YYYY-MM-DD) from which the size class, status
	// and figures hold, for the registry's history; default today.
	ValidFrom *string `json:"valid_from"`
}

// NewRecipient builds a recipient from input. Errors: validation_failed.
func NewRecipient(in RecipientInput) (*Recipient, error) {
	r := &Recipient{}
	return r, r.Patch(in)
}

// Patch changes the recipient with the fields present in the input and
// validates the result. Errors: validation_failed.
func (r *Recipient) Patch(in RecipientInput) error {
	f := Fields{}
	f.checkInput(in)
	for _, s := range []struct {
		dst *string
		src *string
	}{
		{&r.Kind, in.Kind}, {&r.Name, in.Name}, {&r.OwnerName, in.OwnerName},
		{&r.NIK, in.NIK}, {&r.NIB, in.NIB}, {&r.NPWP, in.NPWP},
		{&r.Sector, in.Sector}, {&r.SizeClass, in.SizeClass}, {&r.RegionCode, in.RegionCode},
		{&r.Address, in.Address}, {&r.Phone, in.Phone}, {&r.BankCode, in.BankCode},
		{&r.AccountNo, in.AccountNo}, {&r.AccountHolder, in.AccountHolder},
		{&r.LegalNumber, in.LegalNumber},
	} {
		if s.src != nil {
			*s.dst = str(s.src)
		}
	}
	optAmount(f, "capital", &r.Capital, in.Capital)
	optAmount(f, "annual_sales", &r.AnnualSales, in.AnnualSales)
	if in.Members != nil {
		r.Members = in.Members
	}
	if in.LastRATYear != nil {
		r.LastRATYear = in.LastRATYear
	}
	if in.Active != nil {
		r.Active = in.Active
	}
	optAmount(f, "business_volume", &r.BusinessVolume, in.BusinessVolume)
	optAmount(f, "assets", &r.Assets, in.Assets)
	if in.Workforce != nil {
		r.Workforce = in.Workforce
	}
	if in.ValidFrom != nil {
		if msg := ValidDate(*in.ValidFrom); msg != "" {
			f.Add("valid_from", msg)
		}
	}
	r.normalize(f)
	r.validate(f)
	return f.Err()
}

// optAmount reads an optional amount in plain notation, as every amount of
// the JSON API is (API.md); pages and imports turn the Indonesian forms
// ("2.400.000") into it first, so "10.000" cannot mean Rp10.000 here and
// Rp10 in a disbursement's amount.
func optAmount(f Fields, field string, dst **money.Amount, src *money.Raw) {
	if src == nil {
		return
	}
	*dst = nil
	if *src == "" {
		return
	}
	a, err := money.Parse(string(*src))
	if err != nil {
		f.AddMsg(field, AmountMsg(err))
		return
	}
	*dst = &a
}

func (r *Recipient) normalize(f Fields) {
	if r.NPWP != "" {
		r.NPWP = strings.NewReplacer(".", "", "-", "").Replace(r.NPWP)
	}
	if r.Phone != "" {
		p, msg := NormalizePhone(r.Phone)
		if msg != "" {
			f.Add("phone", msg)
		}
		r.Phone = p
	}
	if r.Kind == "koperasi" && r.Active == nil {
		yes := true
		r.Active = &yes
	}
	derived := SizeClassFor(r.Capital, r.AnnualSales)
	switch {
	case derived == "":
	case r.SizeClass == "":
		r.SizeClass = derived
	case r.SizeClass != derived:
		f.Add("size_class", "contradicts capital or annual sales, which make it %s", derived)
	}
}

func (r *Recipient) validate(f Fields) {
	oneOf(f, "kind", r.Kind, RecipientKinds)
	if r.Name == "" {
		f.Add("name", "is required")
	}
	switch {
	case r.NIK != "":
		if msg := ValidNIK(r.NIK); msg != "" {
			f.Add("nik", msg)
		}
	case r.Kind == "umkm":
		f.Add("nik", "is required for an umkm")
	}
	if r.Kind == "koperasi" && r.LegalNumber == "" {
		f.Add("legal_number", "is required for a koperasi")
	}
	if r.NIB != "" {
		if msg := ValidNIB(r.NIB); msg != "" {
			f.Add("nib", msg)
		}
	}
	if r.NPWP != "" {
		if msg := ValidNPWP(r.NPWP); msg != "" {
			f.Add("npwp", msg)
		}
	}
	if r.SizeClass != "" {
		oneOf(f, "size_class", r.SizeClass, SizeClasses)
	}
	if r.RegionCode != "" {
		if msg := regionMsg(r.RegionCode); msg.Key != "" {
			f.AddMsg("region_code", msg)
		}
	}
	if r.AccountNo != "" && !allDigits(r.AccountNo) {
		f.Add("account_no", "must be digits only")
	}
	if r.Members != nil && *r.Members < 0 {
		f.Add("members", "must not be negative")
	}
	if r.Workforce != nil && *r.Workforce < 0 {
		f.Add("workforce", "must not be negative")
	}
	if r.LastRATYear != nil && (*r.LastRATYear < 1900 || *r.LastRATYear > 2100) {
		f.Add("last_rat_year", "must be a year such as 2024")
	}
}

// Mask hides personal data from roles that may not see it: NIK keeps its
// first and last 4 digits, phone and account number their last 4.
func (r *Recipient) Mask() {
	r.OwnerBorn = ""
	r.NIK = maskMiddle(r.NIK)
	r.Phone = maskAllButLast4(r.Phone)
	r.AccountNo = maskAllButLast4(r.AccountNo)
}

// DecodeNIK fills OwnerSex and OwnerBorn from the NIK when it holds them.
func (r *Recipient) DecodeNIK() {
	if born, sex, ok := NIKBirth(r.NIK); ok {
		r.OwnerSex, r.OwnerBorn = sex, born.Format(dateLayout)
	}
}

func maskMiddle(s string) string {
	if len(s) <= 8 {
		return s
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}

func maskAllButLast4(s string) string {
	if len(s) <= 4 {
		return s
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}

// RecipientFilter narrows a recipient list.
type RecipientFilter struct {
	Q         string // part of the name
	NIK       string
	NIB       string
	Region    string // a region code; its sub-regions match too
	SizeClass string
	Kind      string
	Page
}

// RecipientService manages the registry shared by all agencies.
type RecipientService interface {
	// CreateRecipient adds a recipient. Errors: forbidden, validation_failed,
	// duplicate (an umkm with the same NIK; the message names its id).
	CreateRecipient(ctx context.Context, in RecipientInput) (*Recipient, error)
	// FindRecipientByID returns one recipient, masked per role. Errors: not_found.
	FindRecipientByID(ctx context.Context, id int64) (*Recipient, error)
	// FindRecipients lists recipients, masked per role, and the next cursor.
	FindRecipients(ctx context.Context, filter RecipientFilter) ([]*Recipient, string, error)
	// TotalRecipients counts those FindRecipients would list on every
	// page (by NIK or NIB, a lookup like the list). Errors: unauthorized,
	// too_many_requests.
	TotalRecipients(ctx context.Context, filter RecipientFilter) (int64, error)
	// UpdateRecipient changes a recipient. Errors: not_found, forbidden, validation_failed, duplicate.
	UpdateRecipient(ctx context.Context, id int64, in RecipientInput) (*Recipient, error)
}
