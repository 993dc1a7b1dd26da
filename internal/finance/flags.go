package finance

import "context"

// Recipient flags: identifiers shared with other recipients. They are
// allowed (a family business, a koperasi paying into its chair's account)
// but worth a second look, so the recipient's page shows them.
const (
	FlagSharedNIB     = "shared_nib"
	FlagSharedAccount = "shared_account"
)

// RecipientFlag is one such observation: what is shared and with whom.
type RecipientFlag struct {
	Kind   string  `json:"kind"`
	Others []int64 `json:"others"` // the other recipients' ids
}

// RecipientFlagService finds what is worth a second look about a recipient.
type RecipientFlagService interface {
	// FindRecipientFlags lists the recipient's flags. Errors: unauthorized, not_found.
	FindRecipientFlags(ctx context.Context, id int64) ([]RecipientFlag, error)
}
