package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"

	"pilar/internal/finance"
)

// LockBudget is how long a request waits for SQLite's write lock (the
// busy timeout of the DSN, and the wait for this process's writer slot)
// before it is answered 503 unavailable with Retry-After (issue 17, item 9).
const LockBudget = 10 * time.Second

// MinBatchPause and MaxBatchPause bound how long a non-atomic import on
// SQLite leaves the write lock free after a batch: a quarter of the time
// the batch held it, so that writers in other processes, whose busy
// handler polls every 100 ms at most, find it free at least once per batch
// when batches are long, and an import takes at most a quarter longer.
const (
	MinBatchPause = 25 * time.Millisecond
	MaxBatchPause = 120 * time.Millisecond
)

// busyRetry is the Retry-After of a request refused for a busy database.
const busyRetry = 2 * time.Second

func errBusy() error {
	return finance.WithRetryAfter(finance.Errorf(finance.EUnavailable,
		"the database is busy (a large import is writing); try again in a few seconds"), busyRetry)
}

// isBusy reports whether err is SQLite's "database is locked" or "table is locked".
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// registerBusy turns SQLite busy errors from any statement into
// unavailable, so that no caller answers them with a 500.
func registerBusy(db *gorm.DB) {
	fix := func(db *gorm.DB) {
		if db.Error != nil && isBusy(db.Error) {
			db.Error = errBusy()
		}
	}
	cb := db.Callback()
	cb.Create().After("*").Register("pilar:busy", fix)
	cb.Query().After("*").Register("pilar:busy", fix)
	cb.Update().After("*").Register("pilar:busy", fix)
	cb.Delete().After("*").Register("pilar:busy", fix)
	cb.Row().After("*").Register("pilar:busy", fix)
	cb.Raw().After("*").Register("pilar:busy", fix)
}

// writerSlot takes this process's one SQLite writer slot, in arrival
// order, within LockBudget: a request queued behind an import's batches
// gets the lock at the next batch boundary instead of racing for it. It
// returns the release function. Errors: unavailable, the context's.
func (s *Store) writerSlot(ctx context.Context) (func(), error) {
	if s.driver != "sqlite" {
		return func() {}, nil
	}
	t := time.NewTimer(LockBudget)
	defer t.Stop()
	select {
	case s.writer <- struct{}{}:
		return func() { <-s.writer }, nil
	case <-t.C:
		return nil, errBusy()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// PauseAfterBatch is how long the importer waits after a batch that held
// the write lock for took: on SQLite a quarter of that, within
// MinBatchPause and MaxBatchPause; nothing on PostgreSQL, whose writers
// lock rows, not the database (the importer asks).
func (s *Store) PauseAfterBatch(took time.Duration) time.Duration {
	if s.driver != "sqlite" {
		return 0
	}
	return min(max(took/4, MinBatchPause), MaxBatchPause)
}

// background runs bookkeeping writes (when a token or session was last
// used) outside the request that caused them: at most one per key at a
// time, errors dropped (the next use writes again). Close waits for them.
type background struct {
	wg      sync.WaitGroup
	running sync.Map
}

func (s *Store) touch(key string, sql string, args ...any) {
	if _, busy := s.bg.running.LoadOrStore(key, true); busy {
		return
	}
	s.bg.wg.Add(1)
	go func() {
		defer s.bg.wg.Done()
		defer s.bg.running.Delete(key)
		ctx, cancel := context.WithTimeout(context.Background(), LockBudget)
		defer cancel()
		s.db.WithContext(ctx).Exec(sql, args...)
	}()
}

// WaitBackground waits for the bookkeeping writes started so far.
func (s *Store) WaitBackground() { s.bg.wg.Wait() }

func durationOf(n int64) time.Duration { return time.Duration(n) }
