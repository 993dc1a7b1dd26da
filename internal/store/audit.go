package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"pilar/internal/finance"
)

// audit appends an entry to the audit trail inside the transaction in ctx
// (or its own). before and after are marshalled as JSON; nil leaves them empty.
func (s *Store) audit(ctx context.Context, action, entity string, entityID any, before, after any) error {
	return s.auditAll(ctx, []auditRecord{{action, entity, entityID, before, after}})
}

// auditRecord is one change to append to the audit trail.
type auditRecord struct {
	action, entity string
	entityID       any
	before, after  any
}

// auditAll appends one entry per record, in order, inside the transaction
// in ctx (or its own), chained to the trail's last entry and to each other,
// with one INSERT per auditPart entries. On PostgreSQL the chain's lock is
// taken here, so a batch holds it from its append to its commit only.
// The entries (their JSON and chained hashes) are built on a goroutine of
// their own, a part ahead of the INSERT of the part before: an import's
// set spends as long building its entries as inserting them.
func (s *Store) auditAll(ctx context.Context, records []auditRecord) error {
	if len(records) == 0 {
		return nil
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		if s.driver == "postgres" {
			// Entries are chained: appends are serialised until commit.
			if err := db.Exec("SELECT pg_advisory_xact_lock(727001)").Error; err != nil {
				return err
			}
		}
		var prev []string
		if err := db.Raw("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&prev).Error; err != nil {
			return err
		}
		last := ""
		if len(prev) == 1 {
			last = prev[0]
		}
		actor, actorID := "system", (*int64)(nil)
		if a := finance.ActorFrom(ctx); a != nil {
			actor = a.Email
			if a.UserID != 0 {
				id := a.UserID
				actorID = &id
			}
		}
		at := s.now(ctx).Format(time.RFC3339Nano)
		parts := make(chan [][]any, 1)
		go func() {
			defer close(parts)
			for lo := 0; lo < len(records); lo += auditPart {
				part := records[lo:min(lo+auditPart, len(records))]
				rows := make([][]any, len(part))
				for i, r := range part {
					e := &finance.AuditEntry{At: at, Actor: actor, ActorID: actorID, Action: r.action, Entity: r.entity,
						EntityID: fmt.Sprint(r.entityID), Before: jsonText(r.before), After: jsonText(r.after), PrevHash: last}
					e.Hash = e.ComputeHash()
					last = e.Hash
					rows[i] = []any{e.At, e.ActorID, e.Actor, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.PrevHash, e.Hash}
				}
				parts <- rows
			}
		}()
		var err error
		for rows := range parts { // read to the end, so the goroutine ends
			if err == nil {
				_, err = s.insertRows(ctx, "audit_log", auditColumns, rows, false)
			}
		}
		return err
	})
}

// auditPart is how many entries auditAll builds and inserts at a time.
const auditPart = 100

var auditColumns = []column{{"at", "text"}, {"actor_id", "bigint"}, {"actor", "text"}, {"action", "text"}, {"entity", "text"},
	{"entity_id", "text"}, {"before", "text"}, {"after", "text"}, {"prev_hash", "text"}, {"hash", "text"}}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", err.Error())
	}
	return string(b)
}

// FindAuditEntries lists the audit trail, oldest first (admin, auditor).
// Errors: unauthorized, forbidden.
func (s *Store) FindAuditEntries(ctx context.Context, f finance.AuditFilter) ([]*finance.AuditEntry, string, error) {
	if _, err := finance.Authorize(ctx, finance.ActReadAudit, nil); err != nil {
		return nil, "", err
	}
	f.Normalize()
	q := s.conn(ctx).Table("audit_log")
	order := "id"
	switch {
	case f.Newest && f.Cursor > 0:
		q, order = q.Where("id < ?", f.Cursor), "id DESC"
	case f.Newest:
		order = "id DESC"
	default:
		q = q.Where("id > ?", f.Cursor)
	}
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	// At is RFC 3339 in UTC, so a day compares as text on both engines.
	if f.From != "" {
		q = q.Where("at >= ?", f.From)
	}
	if f.To != "" {
		q = q.Where("at < ?", f.To+"T24")
	}
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	var out []*finance.AuditEntry
	if err := q.Order(order).Limit(f.Limit + 1).Find(&out).Error; err != nil {
		return nil, "", err
	}
	out, next := pageOf(out, f.Limit, func(x *finance.AuditEntry) int64 { return x.ID })
	return out, next, nil
}

// VerifyAudit walks the whole chain in order and returns the first entry
// whose hash or link is wrong, or nil.
func (s *Store) VerifyAudit(ctx context.Context) (*finance.AuditEntry, error) {
	rows, err := s.conn(ctx).Table("audit_log").Order("id").Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	prev := ""
	for rows.Next() {
		var e finance.AuditEntry
		if err := s.db.ScanRows(rows, &e); err != nil {
			return nil, err
		}
		if e.PrevHash != prev || e.Hash != e.ComputeHash() {
			return &e, nil
		}
		prev = e.Hash
	}
	return nil, rows.Err()
}

// AuditHead returns the last entry of the audit trail and how many there
// are, or nil when the trail is empty (what `pilar audit checkpoint` prints,
// to be kept outside the database).
func (s *Store) AuditHead(ctx context.Context) (*finance.AuditEntry, int64, error) {
	var n int64
	if err := s.conn(ctx).Table("audit_log").Count(&n).Error; err != nil {
		return nil, 0, err
	}
	var out []*finance.AuditEntry
	if err := s.conn(ctx).Table("audit_log").Order("id DESC").Limit(1).Find(&out).Error; err != nil || len(out) == 0 {
		return nil, n, err
	}
	return out[0], n, nil
}

// AuditEntryByID returns one entry of the audit trail, or nil when there
// is none with the id.
func (s *Store) AuditEntryByID(ctx context.Context, id int64) (*finance.AuditEntry, error) {
	var out []*finance.AuditEntry
	if err := s.conn(ctx).Table("audit_log").Where("id = ?", id).Limit(1).Find(&out).Error; err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}
