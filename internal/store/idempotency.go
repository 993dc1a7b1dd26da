package store

import (
	"context"

	"pilar/internal/finance"
)

// idempotencyKey is a row of idempotency_keys; Status 0 means the first
// request is still running.
type idempotencyKey struct {
	UserID      int64
	Key         string
	RequestHash string
	Status      int
	ContentType string
	Body        []byte
}

// BeginIdempotent reserves key for the signed-in user's request, or returns
// the first response to the same request. Keys older than
// finance.IdempotencyTTL are forgotten here. Errors: unauthorized,
// conflict (another request under the key, or the first still running).
func (s *Store) BeginIdempotent(ctx context.Context, key, hash string) (*finance.IdempotentResponse, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, err
	}
	var found *idempotencyKey
	err = s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		now := s.now(ctx)
		if err := db.Exec("DELETE FROM idempotency_keys WHERE created_at < ?", now.Add(-finance.IdempotencyTTL)).Error; err != nil {
			return err
		}
		res := db.Exec(`INSERT INTO idempotency_keys (user_id, key, request_hash, status, content_type, created_at)
			VALUES (?, ?, ?, 0, '', ?) ON CONFLICT DO NOTHING`, actor.UserID, key, hash, now)
		if res.Error != nil || res.RowsAffected == 1 {
			return res.Error
		}
		var k idempotencyKey
		err := db.Table("idempotency_keys").Where("user_id = ? AND key = ?", actor.UserID, key).Take(&k).Error
		found = &k
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case found == nil:
		return nil, nil
	case found.RequestHash != hash:
		return nil, finance.Errorf(finance.EConflict, "this Idempotency-Key was already used for another request; use a new key for a new request")
	case found.Status == 0:
		return nil, finance.Errorf(finance.EConflict, "the first request with this Idempotency-Key is still running; retry in a moment")
	}
	return &finance.IdempotentResponse{Status: found.Status, ContentType: found.ContentType, Body: found.Body}, nil
}

// FinishIdempotent stores the response to the request reserved under key.
// Errors: unauthorized.
func (s *Store) FinishIdempotent(ctx context.Context, key string, r finance.IdempotentResponse) error {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return err
	}
	return s.conn(ctx).Exec("UPDATE idempotency_keys SET status = ?, content_type = ?, body = ? WHERE user_id = ? AND key = ?",
		r.Status, r.ContentType, r.Body, actor.UserID, key).Error
}

// AbandonIdempotent forgets a reservation whose request failed on our side.
// Errors: unauthorized.
func (s *Store) AbandonIdempotent(ctx context.Context, key string) error {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return err
	}
	return s.conn(ctx).Exec("DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND status = 0", actor.UserID, key).Error
}
