package finance

import (
	"context"
	"time"
)

// DefaultRefusedTTL is how long the refused rows of an import are kept for
// download (config imports.refused_ttl).
const DefaultRefusedTTL = 24 * time.Hour

// RefusedRowsService keeps the refused rows of an import (a CSV holding
// NIKs and accounts) in the database, so that any server sharing it can
// serve them, only to the user who imported, until they expire.
type RefusedRowsService interface {
	// SaveRefusedRows keeps the CSV for the signed-in user and returns the
	// download token; expired ones are removed. Errors: unauthorized.
	SaveRefusedRows(ctx context.Context, csv []byte) (token string, err error)
	// RefusedRows returns the CSV saved under token by the signed-in user.
	// Errors: unauthorized, not_found (unknown, another user's, or expired).
	RefusedRows(ctx context.Context, token string) ([]byte, error)
}
