package store_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
)

// TestImportRecipients_RowsInteract imports two sets whose rows meet each
// other and the registry: the same NIK twice in a set, a NIK and a legal
// number already registered, a legal number repeated, kelompok rows (the
// same name and NIK again, another name with that NIK), a bad row between
// good ones, then with update a row changing a recipient of the first set
// and a row changing one created earlier in its own set. Beside it the
// same changes go through CreateRecipient and UpdateRecipient one by one,
// as the row-by-row import made them, in a second database with the same
// clock: both hold the same recipients, history rows and audit entries,
// byte for byte.
func TestImportRecipients_RowsInteract(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 7, 1, 17, 30, 0, 0, time.UTC) // 2 July in WITA
	set, ref := dbtest.NewWorld(t), dbtest.NewWorld(t)
	for _, w := range []*dbtest.World{set, ref} {
		w.Store.Now = func() time.Time { return at }
	}
	in := func(kind, name, nik, legal string) finance.RecipientInput {
		r := finance.RecipientInput{Kind: ptr(kind), Name: ptr(name)}
		if nik != "" {
			r.NIK = ptr(nik)
		}
		if legal != "" {
			r.LegalNumber = ptr(legal)
		}
		return r
	}
	const n0, n1, n2, n3, n4 = "6472014506850001", "6472014506850002", "6472014506850003", "6472014506850004", "6472014506850005"
	registered := []finance.RecipientInput{in("umkm", "Amplang Bu Ros", n0, ""), in("koperasi", "Kopwan Sejahtera", "", "AHU-1")}
	withFigures := in("umkm", "Kerupuk Samarinda", n3, "")
	withFigures.SizeClass, withFigures.Workforce, withFigures.ValidFrom = ptr("mikro"), ptr(4), ptr("2023-12-31")
	first := []finance.RecipientInput{
		in("umkm", "Usaha Satu", n1, ""),              // 0 created
		in("umkm", "Usaha Satu Lagi", n1, ""),         // 1 skipped: row 0's NIK
		in("umkm", "Amplang", n0, ""),                 // 2 skipped: registered
		in("koperasi", "KSP Mandiri", "", "AHU-2"),    // 3 created
		in("koperasi", "KSP Mandiri II", "", "AHU-2"), // 4 skipped: row 3's legal number
		in("koperasi", "Kopwan", "", "AHU-1"),         // 5 skipped: registered
		in("umkm", "Usaha Salah", "123", ""),          // 6 refused
		in("kelompok", "Kelompok Tani", n2, ""),       // 7 created
		in("kelompok", "Kelompok Tani", n2, ""),       // 8 skipped: row 7
		in("kelompok", "Kelompok Nelayan", n2, ""),    // 9 created: another name
		withFigures, // 10 created, its history from 31 December 2023
	}
	changed := in("umkm", "Usaha Satu Baru", n1, "")
	changed.Phone = ptr("0812-5500-1234")
	second := []finance.RecipientInput{
		changed,                                     // 0 updated: row 0 of the first set
		in("umkm", "Usaha Lima", n4, ""),            // 1 created
		in("umkm", "Usaha Lima Jaya", n4, ""),       // 2 updated: row 1, written before it
		{Kind: ptr("umkm"), Name: ptr("Tanpa NIK")}, // 3 refused
		in("umkm", "Amplang Bu Ros", n0, ""),        // 4 skipped: registered, no change
		in("koperasi", "KSP Baru", "", "AHU-9"),     // 5 created
	}
	ctxSet, ctxRef := set.Ctx(set.Officer), ref.Ctx(ref.Officer)
	for _, r := range registered {
		if _, err := set.Store.CreateRecipient(ctxSet, r); err != nil {
			t.Fatal(err)
		}
		if _, err := ref.Store.CreateRecipient(ctxRef, r); err != nil {
			t.Fatal(err)
		}
	}
	C, U, S := finance.ImportCreated, finance.ImportUpdated, finance.ImportSkipped
	check := func(rows []finance.RecipientInput, update bool, want []finance.ImportOutcome) {
		t.Helper()
		var out []finance.RowOutcome
		err := set.Store.InTx(ctxSet, func(ctx context.Context) (err error) {
			out, err = set.Store.ImportRecipients(ctx, recipientRows(rows), update)
			return err
		})
		if err != nil || len(out) != len(rows) {
			t.Fatalf("import: %v, %d outcomes for %d rows", err, len(out), len(rows))
		}
		for i, o := range out {
			if want[i] != 0 {
				if o.Err != nil || o.Outcome != want[i] {
					t.Fatalf("row %d: outcome %v, error %v; want %v", i, o.Outcome, o.Err, want[i])
				}
				continue
			}
			_, refusal := finance.NewRecipient(rows[i])
			if o.Err == nil || finance.ErrorCode(o.Err) != finance.EValidation || o.Err.Error() != refusal.Error() {
				t.Fatalf("row %d: %v, want %v", i, o.Err, refusal)
			}
		}
	}
	check(first, false, []finance.ImportOutcome{C, S, S, C, S, S, 0, C, S, C, C})
	check(second, true, []finance.ImportOutcome{U, C, U, 0, S, C})

	// The reference: what the row-by-row import called, row by row.
	var ids []int64
	for _, r := range []finance.RecipientInput{first[0], first[3], first[7], first[9], first[10]} {
		got, err := ref.Store.CreateRecipient(ctxRef, r)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	if _, err := ref.Store.UpdateRecipient(ctxRef, ids[0], second[0]); err != nil {
		t.Fatal(err)
	}
	lima, err := ref.Store.CreateRecipient(ctxRef, second[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ref.Store.UpdateRecipient(ctxRef, lima.ID, second[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := ref.Store.CreateRecipient(ctxRef, second[5]); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"SELECT * FROM recipients ORDER BY id",
		"SELECT * FROM recipient_history ORDER BY id",
		"SELECT at, actor_id, actor, action, entity, entity_id, before, after FROM audit_log WHERE entity = 'recipient' ORDER BY id",
	} {
		got, want := tableOf(t, set, q), tableOf(t, ref, q)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\nimported  %s\nrow by row %s", q, strings.Join(got, "\n          "), strings.Join(want, "\n          "))
		}
		if len(got) == 0 {
			t.Fatalf("%s: no rows", q)
		}
	}
	if bad, err := set.Store.VerifyAudit(set.Ctx(set.Admin)); err != nil || bad != nil {
		t.Fatalf("audit chain: entry %+v, %v", bad, err)
	}
}

// recipientRows are the rows of a recipients file holding the inputs; the
// first is prepared as the importer prepares rows, the others are not.
func recipientRows(ins []finance.RecipientInput) []finance.RecipientRow {
	rows := make([]finance.RecipientRow, len(ins))
	for i, in := range ins {
		rows[i].Input = in
	}
	rows[0].Prepare()
	return rows
}

// wallClock is a timestamp of today's date, which GORM's Save writes as
// updated_at (and UpdateRecipient's audit entry after it) from its own
// clock, not the store's.
var wallClock = regexp.MustCompile(time.Now().UTC().Format("2006-01-02") + `[T ][0-9:.]+(Z| \+0000 UTC)?`)

// tableOf is what a query reads, a line per row, today's timestamps
// masked (wallClock).
func tableOf(t *testing.T, w *dbtest.World, q string) []string {
	t.Helper()
	db, _ := w.Store.DB()
	out := queryLines(t, db, q)
	for i, l := range out {
		out[i] = wallClock.ReplaceAllString(l, "(wall clock)")
	}
	return out
}

// TestImportRecipients_TakenMeanwhile makes another writer register an
// umkm's NIK after the import read its set and before its INSERT, for
// sure: on PostgreSQL a transaction inserts it and stays open, so the
// import's INSERT waits on it, then commits. The set's INSERT then fails
// on the unique index; the import redoes the set row by row, refuses only
// that row (the duplicate CreateRecipient gives, naming the other
// writer's recipient), registers the others and writes their audit
// entries; a later row of that NIK changes the other writer's recipient. SQLite has nothing to test here: every write transaction holds
// the database's one write lock from its start.
func TestImportRecipients_TakenMeanwhile(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	if w.Store.Driver() != "postgres" {
		t.Skip("SQLite serializes every write transaction")
	}
	db, _ := w.Store.DB()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var other int64
	const taken = "6472014506850002"
	if err := tx.QueryRowContext(ctx, "INSERT INTO recipients (kind, name, nik, created_at, updated_at) VALUES ('umkm', 'Lain', $1, now(), now()) RETURNING id",
		taken).Scan(&other); err != nil {
		t.Fatal(err)
	}
	rows := []finance.RecipientInput{
		{Kind: ptr("umkm"), Name: ptr("Satu"), NIK: ptr("6472014506850001")},
		{Kind: ptr("umkm"), Name: ptr("Dua"), NIK: ptr(taken)},
		{Kind: ptr("umkm"), Name: ptr("Tiga"), NIK: ptr("6472014506850003")},
		{Kind: ptr("umkm"), Name: ptr("Dua Baru"), NIK: ptr(taken)}, // updates the other writer's
	}
	out := importWhileHeld(t, db, tx, func() ([]finance.RowOutcome, error) {
		return w.Store.ImportRecipients(w.Ctx(w.Admin), recipientRows(rows), true)
	})
	for i, o := range out {
		switch i {
		case 3:
			if o.Err != nil || o.Outcome != finance.ImportUpdated {
				t.Fatalf("row 3: outcome %v, error %v, want the other writer's recipient updated", o.Outcome, o.Err)
			}
			continue
		case 1:
			want := fmt.Sprintf("an umkm with this NIK is already registered as recipient %d", other)
			if finance.ErrorCode(o.Err) != finance.EDuplicate || !strings.Contains(o.Err.Error(), want) {
				t.Fatalf("row 1: %v, want %q", o.Err, want)
			}
			continue
		}
		if o.Err != nil || o.Outcome != finance.ImportCreated {
			t.Fatalf("row %d: outcome %v, error %v, want created", i, o.Outcome, o.Err)
		}
	}
	if r, err := w.Store.FindRecipientByID(w.Ctx(w.Admin), other); err != nil || r.Name != "Dua Baru" {
		t.Fatalf("the other writer's recipient: %+v, %v", r, err)
	}
	audited := tableOf(t, w, "SELECT entity_id FROM audit_log WHERE entity = 'recipient' AND action = 'create' ORDER BY id")
	recipients := tableOf(t, w, "SELECT id FROM recipients WHERE id <> "+fmt.Sprint(other)+" ORDER BY id")
	if len(audited) != 2 || len(recipients) != 2 || !strings.HasSuffix(audited[0], strings.TrimPrefix(recipients[0], "id")) ||
		!strings.HasSuffix(audited[1], strings.TrimPrefix(recipients[1], "id")) {
		t.Fatalf("audit entries %v for recipients %v", audited, recipients)
	}
	if bad, err := w.Store.VerifyAudit(w.Ctx(w.Admin)); err != nil || bad != nil {
		t.Fatalf("audit chain: entry %+v, %v", bad, err)
	}
}
