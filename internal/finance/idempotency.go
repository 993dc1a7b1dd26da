package finance

import (
	"context"
	"time"
)

// IdempotencyTTL is how long an Idempotency-Key and its first response are kept.
const IdempotencyTTL = 24 * time.Hour

// IdempotentResponse is the first answer to a request sent with an
// Idempotency-Key, replayed when the same request comes again.
type IdempotentResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

// IdempotencyService remembers, per user and Idempotency-Key, which request
// was sent and what it was answered.
type IdempotencyService interface {
	// BeginIdempotent reserves key for the signed-in user's request whose
	// content hashes to hash. It returns nil when the request is new and
	// should run, or the stored first response when the same request was
	// answered before. Errors: unauthorized, conflict (the key was used for
	// another request, or its first request is still running).
	BeginIdempotent(ctx context.Context, key, hash string) (*IdempotentResponse, error)
	// FinishIdempotent stores the response to the request reserved under key.
	FinishIdempotent(ctx context.Context, key string, res IdempotentResponse) error
	// AbandonIdempotent releases key after a failure on our side, so that
	// the request may be retried.
	AbandonIdempotent(ctx context.Context, key string) error
}
