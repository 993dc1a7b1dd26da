package store_test

import (
	"fmt"
	"strings"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

// TestFindDisbursements_Paging walks five disbursements two at a time,
// newest first and oldest first, forwards and back, and counts them with
// and without filters; another agency's never show.
func TestFindDisbursements_Paging(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	p := newProgram(t, w, "PEN-PAGING-2024", "1000000")
	var ids []int64
	for range 5 {
		ids = append(ids, draft(t, w, p, "100").ID)
	}
	ctx := w.Ctx(w.Officer)
	list := func(t *testing.T, f finance.DisbursementFilter) string {
		t.Helper()
		got, next, err := w.Store.FindDisbursements(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, d := range got {
			s = append(s, fmt.Sprint(d.ID))
		}
		return strings.Join(s, ",") + " next=" + next
	}
	id := func(i int) string { return fmt.Sprint(ids[i]) }
	for _, tt := range []struct {
		name string
		page finance.Page
		want string
	}{
		{"OldestFirst", finance.Page{Limit: 2}, id(0) + "," + id(1) + " next=" + id(1)},
		{"OldestNext", finance.Page{Limit: 2, Cursor: ids[1]}, id(2) + "," + id(3) + " next=" + id(3)},
		{"OldestLast", finance.Page{Limit: 2, Cursor: ids[3]}, id(4) + " next="},
		{"OldestBack", finance.Page{Limit: 2, Before: ids[4]}, id(2) + "," + id(3) + " next=" + id(2)},
		{"OldestBackToStart", finance.Page{Limit: 2, Before: ids[2]}, id(0) + "," + id(1) + " next="},
		{"NewestFirst", finance.Page{Limit: 2, Newest: true}, id(4) + "," + id(3) + " next=" + id(3)},
		{"NewestNext", finance.Page{Limit: 2, Newest: true, Cursor: ids[3]}, id(2) + "," + id(1) + " next=" + id(1)},
		{"NewestLast", finance.Page{Limit: 2, Newest: true, Cursor: ids[1]}, id(0) + " next="},
		{"NewestBack", finance.Page{Limit: 2, Newest: true, Before: ids[0]}, id(2) + "," + id(1) + " next=" + id(2)},
		{"NewestBackToStart", finance.Page{Limit: 2, Newest: true, Before: ids[2]}, id(4) + "," + id(3) + " next="},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := list(t, finance.DisbursementFilter{Program: p.Code, Page: tt.page}); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("Totals", func(t *testing.T) {
		for _, tt := range []struct {
			u    *finance.User
			f    finance.DisbursementFilter
			want int64
		}{
			{w.Officer, finance.DisbursementFilter{Program: p.Code, Page: finance.Page{Limit: 1, Cursor: ids[2]}}, 5},
			{w.Officer, finance.DisbursementFilter{Program: p.Code, Status: finance.StatusSubmitted}, 0},
			{w.Admin, finance.DisbursementFilter{Agency: w.Agency.Code, Program: p.Code}, 5},
			{w.Admin, finance.DisbursementFilter{Agency: w.OtherAgency.Code}, 0},
			{w.OtherOfficer, finance.DisbursementFilter{Program: p.Code}, 0},
			{w.Officer, finance.DisbursementFilter{Program: p.Code, Q: "usaha 6472"}, 5},
			{w.Officer, finance.DisbursementFilter{Program: p.Code, Q: "100%"}, 0},
			{w.Officer, finance.DisbursementFilter{Program: p.Code, Region: "64"}, 0}, // the recipients have no region
			{w.Officer, finance.DisbursementFilter{Program: p.Code, From: "2024-03-02"}, 0},
		} {
			n, err := w.Store.TotalDisbursements(w.Ctx(tt.u), tt.f)
			if err != nil || n != tt.want {
				t.Errorf("%s %+v: %d, %v; want %d", tt.u.Email, tt.f, n, err, tt.want)
			}
		}
	})
}

// TestFindRecipients_Paging: newest first and back again, with a total
// that counts every page of the filter.
func TestFindRecipients_Paging(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	var ids []int64
	for range 3 {
		ids = append(ids, newRecipient(t, w).ID)
	}
	ctx := w.Ctx(w.Officer)
	got, next, err := w.Store.FindRecipients(ctx, finance.RecipientFilter{Page: finance.Page{Limit: 2, Newest: true}})
	if err != nil || len(got) != 2 || got[0].ID != ids[2] || got[1].ID != ids[1] || next != fmt.Sprint(ids[1]) {
		t.Fatalf("newest: %v %q %v", got, next, err)
	}
	got, next, err = w.Store.FindRecipients(ctx, finance.RecipientFilter{Page: finance.Page{Limit: 2, Newest: true, Before: ids[0]}})
	if err != nil || len(got) != 2 || got[0].ID != ids[2] || got[1].ID != ids[1] || next != "" {
		t.Fatalf("back: %v %q %v", got, next, err)
	}
	n, err := w.Store.TotalRecipients(ctx, finance.RecipientFilter{Q: "usaha", Page: finance.Page{Limit: 1}})
	if err != nil || n != 3 {
		t.Fatalf("total %d, %v", n, err)
	}
	// Counting by a NIK tells whether it is registered: a lookup, counted.
	r, _ := w.Store.FindRecipientByID(w.Ctx(w.Admin), ids[0])
	if n, err := w.Store.TotalRecipients(ctx, finance.RecipientFilter{NIK: r.NIK}); err != nil || n != 1 {
		t.Fatalf("total by NIK %d, %v", n, err)
	}
	db, _ := w.Store.DB()
	var lookups int
	if err := db.QueryRow("SELECT COALESCE(SUM(lookups), 0) FROM identifier_lookups").Scan(&lookups); err != nil || lookups != 1 {
		t.Fatalf("%d lookups counted, %v; want 1", lookups, err)
	}
}
