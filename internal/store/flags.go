package store

import (
	"context"

	"pilar/internal/finance"
)

// FindRecipientFlags lists the other recipients that share the recipient's
// NIB, or its bank account (same bank code and account number).
// Errors: unauthorized, not_found.
func (s *Store) FindRecipientFlags(ctx context.Context, id int64) ([]finance.RecipientFlag, error) {
	if _, err := finance.AuthorizeRead(ctx, nil); err != nil {
		return nil, err
	}
	r, err := s.recipientByID(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []finance.RecipientFlag
	add := func(kind, where string, args ...any) error {
		var others []int64
		err := s.conn(ctx).Model(&finance.Recipient{}).Where("id <> ?", id).Where(where, args...).
			Order("id").Limit(100).Pluck("id", &others).Error
		if err == nil && len(others) > 0 {
			out = append(out, finance.RecipientFlag{Kind: kind, Others: others})
		}
		return err
	}
	if r.NIB != "" {
		if err := add(finance.FlagSharedNIB, "nib = ?", r.NIB); err != nil {
			return nil, err
		}
	}
	if r.AccountNo != "" {
		if err := add(finance.FlagSharedAccount, "account_no = ? AND bank_code = ?", r.AccountNo, r.BankCode); err != nil {
			return nil, err
		}
	}
	return out, nil
}
