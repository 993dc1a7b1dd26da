package finance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// AuditEntry is one line of the append-only audit trail. Hash covers the
// previous entry's hash and this entry's content, so a changed or removed
// entry breaks the chain.
type AuditEntry struct {
	ID       int64  `json:"id"`
	At       string `json:"at"`
	ActorID  *int64 `json:"-"`
	Actor    string `json:"actor"`
	Action   string `json:"action"`
	Entity   string `json:"entity"`
	EntityID string `json:"entity_id"`
	Before   string `json:"before,omitempty"`
	After    string `json:"after,omitempty"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// ComputeHash returns the hash the entry must carry.
func (e *AuditEntry) ComputeHash() string {
	content, _ := json.Marshal([]string{e.PrevHash, e.At, e.Actor, e.Action, e.Entity, e.EntityID, e.Before, e.After})
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// AuditFilter narrows the audit trail.
type AuditFilter struct {
	Entity   string
	EntityID string
	Actor    string // the email of who acted
	Action   string
	From, To string // days (YYYY-MM-DD, UTC) the entry was written, inclusive
	Newest   bool   // newest first, the cursor counting down
	Page
}

// AuditService reads and checks the audit trail.
type AuditService interface {
	// FindAuditEntries lists entries, oldest first. Errors: forbidden.
	FindAuditEntries(ctx context.Context, filter AuditFilter) ([]*AuditEntry, string, error)
	// VerifyAudit walks the chain and returns the first entry that does not
	// fit, or nil when the chain is intact.
	VerifyAudit(ctx context.Context) (*AuditEntry, error)
}
