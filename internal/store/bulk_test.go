package store_test

import (
	"context"
	"slices"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/store"
)

// TestByKeys_Quoting looks recipients up by names that an array literal
// must quote (PostgreSQL sends the keys as one text[]): each is found,
// once, and a key that only looks like one of them finds nothing.
func TestByKeys_Quoting(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	names := []string{`Toko "Maju"`, `CV Sinar\Jaya`, `Warung, Bu Sri`, `{Kopi}`, `NULL`, `Batik 'Samarinda'`}
	for i, name := range names {
		if _, err := w.Store.CreateRecipient(w.Ctx(w.Admin), finance.RecipientInput{Kind: ptr("umkm"), Name: ptr(name),
			NIK: ptr("64720101019" + string(rune('0'+i)) + "9999")}); err != nil {
			t.Fatalf("CreateRecipient(%q): %v", name, err)
		}
	}
	got, err := store.NamesByKeys(w.Store, context.Background(), append(slices.Clone(names), `Toko \"Maju\"`, "Warung", "kopi"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, names) {
		t.Fatalf("found %q, want %q", got, names)
	}
}
