package store

import (
	"context"
	"database/sql"
	"database/sql/driver"

	"gorm.io/gorm"
)

// readsApart reports whether a read may be spread over connections that
// share one snapshot (snapshotConns): on SQLite, outside a transaction,
// whose writes the other connections would not see.
func (s *Store) readsApart(ctx context.Context) bool {
	_, inTx := ctx.Value(txKey{}).(*gorm.DB)
	return s.driver == "sqlite" && !inTx
}

// snapshotConns takes up to n connections of a SQLite database's pool,
// each in a read transaction, all on one snapshot: the first always, and
// each other one that is shown to see what the first sees. A read
// transaction's snapshot is the last commit when it first reads, and a
// connection's PRAGMA data_version changes when another connection has
// committed since its last read. So each connection reads its
// data_version, then each begins and reads it again. Every first reading
// comes before every begin, so when neither the first connection's
// version nor another's has changed, no commit came from the first's
// first reading to the other's begin, and both began on the same commit.
// One that a commit overtook is let go, and the read goes on with fewer:
// a writer is never waited for. (A checkpoint that restarts the WAL
// changes the version too, which only costs a reader.) release ends the
// transactions and gives the connections back.
func (s *Store) snapshotConns(ctx context.Context, n int) (conns []*sql.Conn, release func(), err error) {
	db, err := s.db.DB()
	if err != nil {
		return nil, nil, err
	}
	taken := make([]*readConn, 0, n)
	defer func() {
		if err != nil {
			for _, r := range taken {
				r.end()
			}
		}
	}()
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			return nil, nil, err
		}
		taken = append(taken, &readConn{c: c})
	}
	if taken, err = shareSnapshot(ctx, taken); err != nil {
		return nil, nil, err
	}
	for _, r := range taken {
		conns = append(conns, r.c)
	}
	return conns, func() {
		for _, r := range taken {
			r.end()
		}
	}, nil
}

// readConn is a connection taken from the pool for a read transaction.
type readConn struct {
	c     *sql.Conn
	began bool
}

// begin starts the read transaction (deferred: the DSN's _txlock makes
// only database/sql's own BeginTx immediate).
func (r *readConn) begin(ctx context.Context) error {
	if _, err := r.c.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	r.began = true
	return nil
}

// end rolls the transaction back, if it began, and gives the connection
// back; one whose ROLLBACK fails is closed, not pooled, so that no other
// user finds it inside a transaction.
func (r *readConn) end() {
	if r.began {
		if _, err := r.c.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			r.c.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	r.c.Close()
}

// shareSnapshot begins conns' read transactions and returns the first
// and those on its snapshot, having ended the others; on an error, all of
// conns, for the caller to end.
func shareSnapshot(ctx context.Context, conns []*readConn) ([]*readConn, error) {
	version := func(r *readConn) (int64, error) {
		var v int64
		err := r.c.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
		return v, err
	}
	before := make([]int64, len(conns))
	for k, r := range conns {
		var err error
		if before[k], err = version(r); err != nil {
			return conns, err
		}
	}
	same := make([]bool, len(conns))
	for k, r := range conns {
		if err := r.begin(ctx); err != nil {
			return conns, err
		}
		v, err := version(r)
		if err != nil {
			return conns, err
		}
		same[k] = v == before[k]
	}
	kept := []*readConn{conns[0]}
	for k, r := range conns[1:] {
		if same[0] && same[k+1] {
			kept = append(kept, r)
		} else {
			r.end()
		}
	}
	return kept, nil
}
