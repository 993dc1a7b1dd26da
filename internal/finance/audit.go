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
// It covers the JSON array of the entry's fields, byte for byte as
// json.Marshal writes it (the chain depends on those bytes), built without
// its reflection: an import hashes one entry per row.
func (e *AuditEntry) ComputeHash() string {
	fields := [...]string{e.PrevHash, e.At, e.Actor, e.Action, e.Entity, e.EntityID, e.Before, e.After}
	content := make([]byte, 0, 160+len(e.Before)+len(e.After))
	content = append(content, '[')
	for i, f := range fields {
		if i > 0 {
			content = append(content, ',')
		}
		content = appendJSONString(content, f)
	}
	content = append(content, ']')
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// appendJSONString appends s as json.Marshal writes a string: printable
// ASCII as it is, with " and \ escaped; a string holding anything else
// (control characters, non-ASCII, and <, > and &, which json.Marshal
// escapes its own ways) through json.Marshal itself.
func appendJSONString(buf []byte, s string) []byte {
	start := len(buf)
	buf = append(buf, '"')
	last := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case jsonPlain[c]:
		case c == '"' || c == '\\':
			buf = append(buf, s[last:i]...)
			buf = append(buf, '\\')
			last = i
		default:
			b, _ := json.Marshal(s)
			return append(buf[:start], b...)
		}
	}
	buf = append(buf, s[last:]...)
	return append(buf, '"')
}

// jsonPlain holds the bytes json.Marshal writes as they are.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

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
