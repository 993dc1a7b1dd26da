package store

import (
	"database/sql"
	"sync"
)

// readBeside reads rows on a goroutine of its own, a batch ahead of fn:
// the database's stepping and the scan take one core while fn works on the
// other, in the cursor's order and snapshot. scan fills a row in place (a
// batch's rows are reused, so scan must set every field it reads) and says
// whether fn gets it. It closes rows, and stops at the first error of
// either side; on an error of fn, or a panic, the reader is stopped and
// the cursor closed before it returns. fn must not use the database: the
// rows hold the connection.
func readBeside[T any](rows *sql.Rows, scan func(*sql.Rows, *T) (keep bool, err error), fn func(*T) error) error {
	defer rows.Close()
	return inOrder(256, []filler[T]{func(b []T) (int, bool, error) {
		n, err := scanInto(rows, b, scan) // once the rows have ended, none
		if err == nil && n < len(b) {
			err = rows.Err()
		}
		return n, n > 0, err
	}}, fn)
}

// scanInto scans rows into b until it is full or the rows end, and
// returns how many rows it kept.
func scanInto[T any](rows *sql.Rows, b []T, scan func(*sql.Rows, *T) (bool, error)) (int, error) {
	n := 0
	for n < len(b) && rows.Next() {
		keep, err := scan(rows, &b[n])
		if err != nil {
			return n, err
		}
		if keep {
			n++
		}
	}
	return n, nil
}

// filler fills the next of its batches of rows in place, and says how
// many it holds, or false when it has no more batches.
type filler[T any] func(b []T) (n int, ok bool, err error)

// inOrder fills batches of size rows on a goroutine per filler, batch i
// by fillers[i%len(fillers)], and gives fn their rows in batch order,
// until the filler whose turn it is has no more. Each filler has three
// batches going round (one being filled, one waiting, one at fn), so
// that with two fillers two batches are read at once while fn works. It
// stops at the first error in batch order, of fn or of the filler whose
// batch is next; on an error of fn, or a panic, the fillers are stopped
// before it returns.
func inOrder[T any](size int, fillers []filler[T], fn func(*T) error) error {
	const inFlight = 3
	full, free := make([]chan []T, len(fillers)), make([]chan []T, len(fillers))
	errs := make([]error, len(fillers)) // each set by its filler before it closes full
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for k, fill := range fillers {
		full[k], free[k] = make(chan []T, inFlight), make(chan []T, inFlight)
		for range inFlight {
			free[k] <- make([]T, size)
		}
		wg.Go(func() {
			defer close(full[k])
			for {
				var b []T
				select {
				case b = <-free[k]:
				case <-stop:
					return
				}
				n, ok, err := fill(b)
				if err != nil || !ok {
					errs[k] = err
					return
				}
				select {
				case full[k] <- b[:n]:
				case <-stop:
					return
				}
			}
		})
	}
	stopped := false
	halt := func() {
		if !stopped {
			stopped = true
			close(stop)
			wg.Wait()
		}
	}
	defer halt()
	for i := 0; ; i++ {
		k := i % len(fillers)
		b, open := <-full[k]
		if !open {
			halt()
			return errs[k] // the batches after it were never to be given
		}
		for j := range b {
			if err := fn(&b[j]); err != nil {
				return err
			}
		}
		free[k] <- b[:cap(b)]
	}
}
