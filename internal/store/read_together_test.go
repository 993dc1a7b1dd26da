package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"pilar/internal/dbtest"
	"pilar/internal/store"
)

// TestReadTogether: the reads of one report (the overlaps' sections,
// coverage's rows and totals) see one snapshot while a writer commits
// back to back, though on SQLite they run on two connections; an error
// or a panic in one read stops the reads not yet begun, and leaves the
// connections back in the pool.
func TestReadTogether(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	db, err := w.Store.DB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE scratch (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t.Run("OneSnapshot", func(t *testing.T) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.Exec("INSERT INTO scratch VALUES (1)"); err != nil {
					t.Error(err)
					return
				}
			}
		})
		defer func() { close(stop); wg.Wait() }()
		for round := range 100 {
			counts := make([]int64, 4)
			reads := make([]func(func(string) (int64, error)) error, len(counts))
			for i := range reads {
				reads[i] = func(count func(string) (int64, error)) (err error) {
					time.Sleep(time.Duration(i) * time.Millisecond) // the writer commits meanwhile
					counts[i], err = count("scratch")
					return err
				}
			}
			if err := store.ReadTogether(w.Store, ctx, reads...); err != nil {
				t.Fatal(err)
			}
			for i := range counts {
				if counts[i] != counts[0] {
					t.Fatalf("round %d: the reads counted %v rows: not one snapshot", round, counts)
				}
			}
		}
	})
	t.Run("Stops", func(t *testing.T) {
		failed := errors.New("read failed")
		ran := make([]bool, 3)
		err := store.ReadTogether(w.Store, ctx,
			func(func(string) (int64, error)) error {
				time.Sleep(20 * time.Millisecond) // the second fails meanwhile
				ran[0] = true
				return nil
			},
			func(func(string) (int64, error)) error { ran[1] = true; return failed },
			func(count func(string) (int64, error)) error {
				ran[2] = true
				_, err := count("no_such_table")
				return err
			})
		if !errors.Is(err, failed) || !ran[0] || !ran[1] || ran[2] {
			t.Fatalf("err %v, ran %v; want the second read's error, the first read done and the third not begun", err, ran)
		}
		func() {
			defer func() {
				if p := recover(); p != "read panicked" {
					t.Fatalf("recovered %v, want the read's panic", p)
				}
			}()
			store.ReadTogether(w.Store, ctx,
				func(func(string) (int64, error)) error { panic("read panicked") },
				func(count func(string) (int64, error)) error { _, err := count("scratch"); return err })
		}()
		if n := db.Stats().InUse; n != 0 {
			t.Fatalf("%d connections still in use", n)
		}
		var n int64
		if err := db.QueryRow("SELECT COUNT(*) FROM scratch").Scan(&n); err != nil {
			t.Fatalf("the pool after the reads: %v", err)
		}
	})
}
