package store

import (
	"context"
	"database/sql"
)

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

// NamesByKeys looks up the names of the recipients whose name is one of
// names through byKeys, by id, for tests of its PostgreSQL array literal.
func NamesByKeys(s *Store, ctx context.Context, names []string) ([]string, error) {
	var out []string
	var id int64
	var name string
	err := scanEach(byKeys(s, s.db.WithContext(ctx), "id, name", "recipients", "name", names, "kind = ?", "ORDER BY id", "umkm"), func(rows *sql.Rows) error {
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		out = append(out, name)
		return nil
	})
	return out, err
}

// RangeSpan is how many ids a range of readRanges covers.
const RangeSpan = rangeSpan
