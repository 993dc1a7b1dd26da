package store_test

import (
	"fmt"
	"sync"
	"testing"

	"pilar/internal/finance"
)

// Imports of one recipient's figures at the same time, each for another
// year, leave every year in the history and the recipient with the latest
// year's figures, whatever order they ran in (both engines).
func TestImportFigures_Concurrent(t *testing.T) {
	g := newRegWorld(t)
	r := g.umkm("mikro", "2019-12-31", 1)
	ctx := g.w.Ctx(g.w.Officer)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			row := finance.FiguresRow{RecipientID: &r.ID, ValidFrom: fmt.Sprintf("%d-12-31", 2020+i), Workforce: ptr(10 + i)}
			out, err := g.w.Store.ImportFigures(ctx, row)
			if err == nil && out != finance.ImportCreated {
				err = fmt.Errorf("outcome %d, want created", out)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("import %d: %v", i, err)
		}
	}
	h, err := g.w.Store.RecipientHistory(g.w.Ctx(g.w.Auditor), r.ID)
	if err != nil || len(h) != n+1 {
		t.Fatalf("history: %d rows, %v", len(h), err)
	}
	got, err := g.w.Store.FindRecipientByID(g.w.Ctx(g.w.Admin), r.ID)
	if err != nil || got.Workforce == nil {
		t.Fatalf("recipient: %+v, %v", got, err)
	}
	if *got.Workforce != 10+n-1 {
		t.Errorf("recipient workforce = %d, want %d (the latest year's)", *got.Workforce, 10+n-1)
	}
}
