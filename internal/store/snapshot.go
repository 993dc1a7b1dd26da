package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// snapshotConns takes up to n connections of a SQLite database's pool,
// each in a read transaction, all on one snapshot: the first always, and
// each other one that is shown to see what the first sees. A read
// transaction's snapshot is the last commit when it first reads; a
// connection's PRAGMA data_version changes when another connection has
// committed since its last read. Each connection reads its data_version,
// then each begins and reads it again: when none has changed for the
// first and for another, no commit came between the first version read
// and the last begin, so both began on the same commit. One that did not
// is let go (a writer committed meanwhile), and the read goes on with
// fewer. release ends the transactions and gives the connections back;
// one whose ROLLBACK fails is closed, not pooled, so that no other user
// finds it inside a transaction.
func (s *Store) snapshotConns(ctx context.Context, n int) (conns []*sql.Conn, release func(), err error) {
	db, err := s.db.DB()
	if err != nil {
		return nil, nil, err
	}
	end := func(c *sql.Conn, began bool) {
		if began {
			if _, err := c.ExecContext(context.Background(), "ROLLBACK"); err != nil {
				c.Raw(func(any) error { return driver.ErrBadConn })
			}
		}
		c.Close()
	}
	taken := make([]*sql.Conn, 0, n)
	versions := make([]int64, 0, n)
	began := 0
	defer func() {
		if err != nil {
			for k, c := range taken {
				end(c, k < began)
			}
		}
	}()
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			return nil, nil, err
		}
		taken = append(taken, c)
		var v int64
		if err := c.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
			return nil, nil, err
		}
		versions = append(versions, v)
	}
	same := make([]bool, n)
	for k, c := range taken {
		if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
			return nil, nil, err
		}
		began++
		var v int64
		if err := c.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
			return nil, nil, err
		}
		same[k] = v == versions[k]
	}
	conns = taken[:1]
	for k, c := range taken[1:] {
		if same[0] && same[k+1] {
			conns = append(conns, c)
		} else {
			end(c, true)
		}
	}
	return conns, func() {
		for _, c := range conns {
			end(c, true)
		}
	}, nil
}
