package store

import "database/sql"

// readBeside reads rows on a goroutine of its own, a batch ahead of fn:
// the database's stepping and the scan take one core while fn works on the
// other, in the cursor's order and snapshot. scan fills a row in place (a
// batch's rows are reused, so scan must set every field it reads) and says
// whether fn gets it. Three batches go round: one being read, one waiting,
// one at fn. It closes rows, and stops at the first error of either side;
// on an error of fn, or a panic, the reader is stopped and the cursor
// closed before it returns. fn must not use the database: the rows hold
// the connection.
func readBeside[T any](rows *sql.Rows, scan func(*sql.Rows, *T) (keep bool, err error), fn func(*T) error) error {
	const batchRows, inFlight = 256, 3
	full, free := make(chan []T, inFlight), make(chan []T, inFlight)
	for range inFlight {
		free <- make([]T, batchRows)
	}
	stop := make(chan struct{})
	var readErr error // set by the reader before it closes full
	go func() {
		defer close(full)
		defer rows.Close()
		for {
			var b []T
			select {
			case b = <-free:
			case <-stop:
				return
			}
			n := 0
			for n < len(b) && rows.Next() {
				keep, err := scan(rows, &b[n])
				if err != nil {
					readErr = err
					return
				}
				if keep {
					n++
				}
			}
			if n > 0 {
				select {
				case full <- b[:n]:
				case <-stop:
					return
				}
			}
			if n < len(b) {
				readErr = rows.Err()
				return
			}
		}
	}()
	defer func() {
		close(stop)
		for range full { // until the reader has closed the cursor
		}
	}()
	for b := range full {
		for i := range b {
			if err := fn(&b[i]); err != nil {
				return err
			}
		}
		free <- b[:cap(b)]
	}
	return readErr
}
