package store

import (
	"context"
	"database/sql"
	"slices"
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
	return inOrder(256, []filler[T]{func(b []T) ([]T, bool, error) {
		b, err := scanInto(rows, b, cap(b), scan) // once the rows have ended, none
		if err == nil && len(b) < cap(b) {
			err = rows.Err()
		}
		return b, len(b) > 0, err
	}}, fn)
}

// scanInto scans rows into b from its start, reusing the rows it held,
// until it holds limit rows (0: no limit) or the rows end, and returns
// the rows it kept. Past b's capacity the rows move to a larger array: a
// row that points into itself must tell when it has moved.
func scanInto[T any](rows *sql.Rows, b []T, limit int, scan func(*sql.Rows, *T) (bool, error)) ([]T, error) {
	b = b[:0]
	for (limit == 0 || len(b) < limit) && rows.Next() {
		if len(b) < cap(b) {
			b = b[:len(b)+1]
		} else {
			b = append(b, *new(T))
		}
		keep, err := scan(rows, &b[len(b)-1])
		if !keep || err != nil {
			b = b[:len(b)-1]
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// filler fills the next of its batches: it scans rows into b (empty, with
// the room an earlier batch left) and returns it, or false when it has no
// more batches.
type filler[T any] func(b []T) ([]T, bool, error)

// inOrder fills batches of about size rows on a goroutine per filler,
// batch i by fillers[i%len(fillers)], and gives fn their rows in batch
// order, until the filler whose turn it is has no more. Each filler has
// three batches going round (one being filled, one waiting, one at fn),
// so that with two fillers two batches are read at once while fn works.
// It stops at the first error in batch order, of fn or of the filler
// whose batch is next; on an error of fn, or a panic, the fillers are
// stopped before it returns.
func inOrder[T any](size int, fillers []filler[T], fn func(*T) error) error {
	const inFlight = 3
	full, free := make([]chan []T, len(fillers)), make([]chan []T, len(fillers))
	errs := make([]error, len(fillers)) // each set by its filler before it closes full
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for k, fill := range fillers {
		full[k], free[k] = make(chan []T, inFlight), make(chan []T, inFlight)
		for range inFlight {
			free[k] <- make([]T, 0, size)
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
				b, ok, err := fill(b)
				if err != nil || !ok {
					errs[k] = err
					return
				}
				select {
				case full[k] <- b:
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
		free[k] <- b[:0]
	}
}

// Ranged reads: how many connections read, and how many ids a range
// covers. Two readers keep pace with one consumer: on the 2-core machine
// of issue 16 an exported row took about 4 µs to read and 2 µs to encode.
const (
	rangeReaders = 2
	rangeSpan    = 1024
)

// readRanges is readBeside over ranges of ids, for reads of a whole table
// on SQLite, where the reading (SQLite's stepping and the scan) is the
// slow side. bounds gives the lowest and highest id; q runs with args and
// then the ends of a range (its last two parameters, the id BETWEEN them,
// in order), over consecutive ranges of rangeSpan ids, on connections
// that share one snapshot (snapshotConns), range i on the (i mod
// readers)th, and fn gets the rows in range order. It must not run inside
// a transaction, whose writes the other connections would not see.
func readRanges[T any](ctx context.Context, s *Store, bounds, q string, args []any, scan func(*sql.Rows, *T) (bool, error), fn func(*T) error) error {
	conns, release, err := s.snapshotConns(ctx, rangeReaders)
	if err != nil {
		return err
	}
	defer release()
	var lo, hi int64
	if err := conns[0].QueryRowContext(ctx, bounds).Scan(&lo, &hi); err != nil {
		return err
	}
	fillers := make([]filler[T], len(conns))
	for k, c := range conns {
		next := lo + int64(k)*rangeSpan
		fillers[k] = func(b []T) ([]T, bool, error) {
			if next > hi {
				return b, false, nil
			}
			from := next
			next += int64(len(conns)) * rangeSpan
			rows, err := c.QueryContext(ctx, q, append(slices.Clip(args), from, from+rangeSpan-1)...)
			if err != nil {
				return b, false, err
			}
			defer rows.Close()
			b, err = scanInto(rows, b, 0, scan)
			if err == nil {
				err = rows.Err()
			}
			return b, true, err
		}
	}
	return inOrder(rangeSpan, fillers, fn)
}
