package web

// SetIdempotencyHook sets the hook called at the stages of an idempotent
// request (tests only).
func SetIdempotencyHook(f func(stage string)) { testHookIdempotent = f }

// RequestHash is requestHash for tests: the hash, and the body as put back.
var RequestHash = requestHash
