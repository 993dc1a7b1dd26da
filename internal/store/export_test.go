package store

import "context"

// QueuedTx is how many transactions wait in s's commit group, for tests
// that make a group form: hold the writer slot, queue, release.
func QueuedTx(s *Store) int {
	s.group.mu.Lock()
	defer s.group.mu.Unlock()
	return len(s.group.queue)
}

// GroupTx is groupTx, for tests of the mechanism itself.
func GroupTx(s *Store, ctx context.Context, fn func(ctx context.Context) error) error {
	return s.groupTx(ctx, fn)
}
