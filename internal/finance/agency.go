package finance

import (
	"context"
	"regexp"
	"time"
)

// Agency is an office that runs programs.
type Agency struct {
	ID         int64     `json:"id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	RegionCode string    `json:"region_code"`
	CreatedAt  time.Time `json:"created_at"`
}

// AgencyInput is what a client sends to create an agency.
type AgencyInput struct {
	Code       *string `json:"code"`
	Name       *string `json:"name"`
	RegionCode *string `json:"region_code"`
}

var codeRe = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{1,39}$`)

// NewAgency validates the input. Errors: validation_failed.
func NewAgency(in AgencyInput) (*Agency, error) {
	a := &Agency{Code: str(in.Code), Name: str(in.Name), RegionCode: str(in.RegionCode)}
	f := Fields{}
	f.checkInput(in)
	if !codeRe.MatchString(a.Code) {
		f.Add("code", "must be 2 to 40 capital letters, digits, - or _")
	}
	if a.Name == "" {
		f.Add("name", "is required")
	}
	if msg := regionMsg(a.RegionCode); msg.Key != "" {
		f.AddMsg("region_code", msg)
	}
	return a, f.Err()
}

// AgencyService manages agencies.
type AgencyService interface {
	// CreateAgency adds an agency (admin). Errors: forbidden, validation_failed, duplicate.
	CreateAgency(ctx context.Context, in AgencyInput) (*Agency, error)
	// FindAgencies lists all agencies.
	FindAgencies(ctx context.Context) ([]*Agency, error)
	// FindAgencyByCode returns one agency. Errors: not_found.
	FindAgencyByCode(ctx context.Context, code string) (*Agency, error)
}
