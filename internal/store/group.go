package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"
)

// maxGroup is how many waiting transactions one SQLite commit takes at most.
const maxGroup = 64

// groupJob is a transaction waiting to be run in a group (groupTx).
type groupJob struct {
	ctx      context.Context
	fn       func(ctx context.Context) error
	done     chan struct{} // closed when err (or panicked) is final
	err      error
	panicked any
}

// group is the queue of transactions waiting for the SQLite writer slot
// that may be committed together.
type group struct {
	mu    sync.Mutex
	queue []*groupJob
}

// take removes and returns up to maxGroup jobs from the head of the queue.
func (g *group) take() []*groupJob {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := min(len(g.queue), maxGroup)
	jobs := slices.Clone(g.queue[:n])
	g.queue = slices.Delete(g.queue, 0, n)
	return jobs
}

// withdraw removes job from the queue; false when a leader already took it.
func (g *group) withdraw(job *groupJob) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.Index(g.queue, job)
	if i < 0 {
		return false
	}
	g.queue = slices.Delete(g.queue, i, i+1)
	return true
}

// putBack returns jobs not run to the head of the queue, in their order.
func (g *group) putBack(jobs []*groupJob) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.queue = append(slices.Clone(jobs), g.queue...)
}

// groupTx runs fn in a transaction, as InTx does, for a short write that
// may share its SQLite commit with others: each caller queues its fn, and
// whoever takes the writer slot runs every fn queued (up to maxGroup) in
// one transaction, each under a savepoint of its own, then commits once.
// A commit on SQLite waits for the disk (fsync of the WAL, a few
// milliseconds here), so one commit for the waiting creates instead of one
// each is what lets the rate pass a few hundred a second (issue 16). It
// is as if the fns ran one after the other, each in its own transaction:
// each sees the writes of those before it, an fn's error rolls back its own
// writes only (to its savepoint) and is its caller's answer, and no caller
// is answered before the commit that holds its writes (a failed commit is
// every caller's error). fn must read and write through s.conn(ctx) only:
// the pool does not see the group's uncommitted writes. Once its fn has
// started, a caller's cancellation no longer stops it. On PostgreSQL, and
// inside a transaction already, it is InTx. Errors: fn's, unavailable,
// the context's.
func (s *Store) groupTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok || s.driver != "sqlite" {
		return s.InTx(ctx, fn)
	}
	job := &groupJob{ctx: ctx, fn: fn, done: make(chan struct{})}
	s.group.mu.Lock()
	s.group.queue = append(s.group.queue, job)
	s.group.mu.Unlock()
	t := time.NewTimer(LockBudget)
	defer t.Stop()
	select {
	case s.writer <- struct{}{}:
		// Either a leader before ran job (done is closed) or it is queued still.
		s.lead()
		<-s.writer
	case <-job.done:
	case <-t.C:
		if s.group.withdraw(job) {
			return errBusy()
		}
	case <-ctx.Done():
		if s.group.withdraw(job) {
			return ctx.Err()
		}
	}
	<-job.done
	if job.panicked != nil {
		panic(job.panicked)
	}
	return job.err
}

// lead runs the queued jobs as one transaction; the caller holds the writer slot.
func (s *Store) lead() {
	jobs := s.group.take()
	if len(jobs) == 0 {
		return
	}
	finish := func(jobs []*groupJob, err error) {
		for _, j := range jobs {
			if err != nil && j.err == nil {
				j.err = err // its writes were lost with the others'
			}
			close(j.done)
		}
	}
	tx := s.db.WithContext(context.Background()).Begin()
	if tx.Error != nil {
		finish(jobs, busyOr(tx.Error))
		return
	}
	for i, j := range jobs {
		if err := s.runSaved(tx, j); err != nil {
			// The savepoint could not be undone (SQLite rolled the whole
			// transaction back, as on a full disk): the jobs before and
			// this one lost their writes; those after run in a later group.
			tx.Rollback()
			s.group.putBack(jobs[i+1:])
			finish(jobs[:i+1], busyOr(err))
			return
		}
	}
	finish(jobs, busyOr(tx.Commit().Error))
}

// runSaved runs one job's fn under a savepoint of tx, recording its error
// or panic in j, and rolls its writes back when it failed. It returns an
// error only when the savepoint itself failed.
func (s *Store) runSaved(tx *gorm.DB, j *groupJob) error {
	if err := tx.Exec("SAVEPOINT pilar_group").Error; err != nil {
		return err
	}
	ctx := s.stamp(context.WithoutCancel(j.ctx))
	func() {
		defer func() {
			if p := recover(); p != nil {
				j.panicked = p
				j.err = fmt.Errorf("store: panic in a grouped transaction: %v", p)
			}
		}()
		j.err = j.fn(context.WithValue(ctx, txKey{}, tx.WithContext(ctx)))
	}()
	if j.err != nil {
		if err := tx.Exec("ROLLBACK TO pilar_group").Error; err != nil {
			return err
		}
	}
	return tx.Exec("RELEASE pilar_group").Error
}

// busyOr is err, SQLite's busy errors as unavailable.
func busyOr(err error) error {
	if isBusy(err) {
		return errBusy()
	}
	return err
}
