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

// ReadTogether is readTogether over reads that are given a count of a
// table's rows as the read sees them, for tests of its one snapshot.
func ReadTogether(s *Store, ctx context.Context, reads ...func(count func(table string) (int64, error)) error) error {
	fns := make([]func(context.Context) error, len(reads))
	for i, read := range reads {
		fns[i] = func(ctx context.Context) error {
			return read(func(table string) (n int64, err error) {
				return n, s.conn(ctx).Raw("SELECT COUNT(*) FROM " + table).Scan(&n).Error
			})
		}
	}
	return s.readTogether(ctx, fns...)
}
