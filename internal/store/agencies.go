package store

import (
	"context"

	"pilar/internal/finance"
)

// CreateAgency adds an agency (admin). Errors: unauthorized, forbidden,
// validation_failed, duplicate.
func (s *Store) CreateAgency(ctx context.Context, in finance.AgencyInput) (*finance.Agency, error) {
	if _, err := finance.Authorize(ctx, finance.ActManageAdmin, nil); err != nil {
		return nil, err
	}
	a, err := finance.NewAgency(in)
	if err != nil {
		return nil, err
	}
	ctx = s.stamp(ctx) // one timestamp for the row and its audit entry
	a.CreatedAt = s.now(ctx)
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(a).Error; err != nil {
			return translate(err, "agency "+a.Code)
		}
		return s.audit(ctx, "create", "agency", a.ID, nil, a)
	})
	return a, err
}

// FindAgencies lists all agencies by code. Errors: unauthorized.
func (s *Store) FindAgencies(ctx context.Context) ([]*finance.Agency, error) {
	if _, err := finance.AuthorizeRead(ctx, nil); err != nil {
		return nil, err
	}
	var out []*finance.Agency
	return out, s.conn(ctx).Order("code").Find(&out).Error
}

// FindAgencyByCode returns one agency. Errors: unauthorized, not_found.
func (s *Store) FindAgencyByCode(ctx context.Context, code string) (*finance.Agency, error) {
	if _, err := finance.AuthorizeRead(ctx, nil); err != nil {
		return nil, err
	}
	return s.agencyByCode(ctx, code)
}

func (s *Store) agencyByCode(ctx context.Context, code string) (*finance.Agency, error) {
	var a finance.Agency
	err := s.conn(ctx).Where("code = ?", code).Take(&a).Error
	return &a, translate(err, "agency "+code)
}
