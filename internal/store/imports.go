package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"

	"gorm.io/gorm"

	"pilar/internal/finance"
)

// importRow runs one imported row's writes under a savepoint of the
// transaction in ctx, so that a refused row leaves nothing behind while the
// rest of its batch stays (PostgreSQL would otherwise abort the whole
// transaction on the first failed statement).
func (s *Store) importRow(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		return s.savepoint(ctx, "import_row", func() error { return fn(ctx) })
	})
}

// savepoint runs fn under a savepoint of the transaction in ctx: when fn
// fails, what it wrote is rolled back and the transaction goes on.
func (s *Store) savepoint(ctx context.Context, name string, fn func() error) error {
	tx := s.conn(ctx)
	if err := tx.SavePoint(name).Error; err != nil {
		return err
	}
	if err := fn(); err != nil {
		if rerr := tx.RollbackTo(name).Error; rerr != nil {
			return rerr
		}
		return err
	}
	return tx.Exec("RELEASE SAVEPOINT " + name).Error
}

// ImportRecipients registers a set of imported recipients inside the
// transaction in ctx, or skips a row when the registry already holds its
// recipient (umkm: same NIK; koperasi: same legal number; kelompok: same
// name and NIK), an earlier row of the set included, or with update
// changes the one it holds. It gives one outcome or refusal per row, in
// order; a refused row writes nothing. The rows are checked in Go
// (NewRecipient, which the importer makes as it reads them), the
// recipients they name read with one query per kind, the new ones
// inserted with multi-row INSERTs with their history rows, and their
// audit entries (one per row, as CreateRecipient writes them) appended
// together; a row that changes a recipient goes through
// UpdateRecipient once the rows before it are written, so that ids and
// audit entries keep the rows' order. Row errors: validation_failed,
// duplicate. Errors: unauthorized, forbidden, and internal errors, which
// fail the whole set.
func (s *Store) ImportRecipients(ctx context.Context, rows []finance.RecipientRow, update bool) ([]finance.RowOutcome, error) {
	if _, err := finance.Authorize(ctx, finance.ActEditRecipient, nil); err != nil {
		return nil, err
	}
	out := make([]finance.RowOutcome, len(rows))
	err := s.InTx(ctx, func(ctx context.Context) error {
		if err := s.raiseCache(ctx, sqliteImportCache); err != nil {
			return err
		}
		rs := make([]*finance.Recipient, len(rows))
		var valid []*finance.Recipient
		for i, row := range rows {
			if rs[i], out[i].Err = row.NewRecipient(); out[i].Err == nil {
				valid = append(valid, rs[i])
			}
		}
		held := map[recipientKey]int64{} // the recipient holding a key; 0 while a row of the set holds it, unwritten
		if err := s.registered(ctx, valid, held); err != nil {
			return err
		}
		var pending []*finance.Recipient // checked, not yet inserted
		var at []int                     // their rows
		flush := func() error {
			if len(pending) == 0 {
				return nil
			}
			var records []auditRecord
			switch err := s.savepoint(ctx, "import_set", func() error { return s.insertRecipients(ctx, pending, rows, at) }); {
			case errors.Is(err, gorm.ErrDuplicatedKey):
				// Another writer registered an umkm's NIK since the set's
				// lookup: the rows again one by one through
				// CreateRecipient, which refuses those it took.
				for k, r := range pending {
					var created *finance.Recipient
					err := s.importRow(ctx, func(ctx context.Context) (err error) {
						created, err = s.CreateRecipient(ctx, rows[at[k]].Input)
						return err
					})
					if finance.ErrorCode(err) == finance.EInternal {
						return err
					}
					out[at[k]].Outcome, out[at[k]].Err = finance.ImportCreated, err
					if err == nil {
						held[keyOf(r)] = created.ID
						continue
					}
					// The other writer's, which later rows find as registered.
					delete(held, keyOf(r))
					if err := s.registered(ctx, []*finance.Recipient{r}, held); err != nil {
						return err
					}
				}
			case err != nil:
				return err
			default:
				records = make([]auditRecord, len(pending))
				for k, r := range pending {
					out[at[k]].Outcome = finance.ImportCreated
					held[keyOf(r)] = r.ID
					records[k] = auditRecord{"create", "recipient", r.ID, nil, r}
				}
			}
			pending, at = pending[:0], at[:0]
			return s.auditAll(ctx, records)
		}
		now := s.now(ctx)
		for i, r := range rs {
			if out[i].Err != nil {
				continue
			}
			k := keyOf(r)
			id, ok := held[k]
			if ok && id == 0 && update { // an earlier row's, to be written before it is changed
				if err := flush(); err != nil {
					return err
				}
				id, ok = held[k]
			}
			switch {
			case !ok:
				r.CreatedAt, r.UpdatedAt = now, now
				held[k] = 0
				pending, at = append(pending, r), append(at, i)
			case !update:
				out[i].Outcome = finance.ImportSkipped
			default:
				if err := flush(); err != nil { // the rows before it, and their audit entries before its
					return err
				}
				out[i].Outcome, out[i].Err = s.importUpdate(ctx, id, rows[i].Input)
				if finance.ErrorCode(out[i].Err) == finance.EInternal {
					return out[i].Err
				}
			}
		}
		return flush()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// importUpdate changes recipient id by an imported row through
// UpdateRecipient, under a savepoint, or skips the row when it changes
// nothing. Errors: those of UpdateRecipient.
func (s *Store) importUpdate(ctx context.Context, id int64, in finance.RecipientInput) (finance.ImportOutcome, error) {
	old, err := s.recipientByID(ctx, id)
	if err != nil {
		return 0, err
	}
	changed := *old
	if err := changed.Patch(in); err != nil {
		return 0, err
	}
	changed.UpdatedAt = old.UpdatedAt
	if reflect.DeepEqual(*old, changed) {
		return finance.ImportSkipped, nil
	}
	err = s.importRow(ctx, func(ctx context.Context) error { _, err := s.UpdateRecipient(ctx, id, in); return err })
	return finance.ImportUpdated, err
}

// recipientKey is what makes an imported recipient one the registry
// holds: an umkm's NIK, a koperasi's legal number, a kelompok's name and
// NIK.
type recipientKey struct{ kind, a, b string }

func keyOf(r *finance.Recipient) recipientKey {
	switch r.Kind {
	case "umkm":
		return recipientKey{r.Kind, r.NIK, ""}
	case "koperasi":
		return recipientKey{r.Kind, r.LegalNumber, ""}
	}
	return recipientKey{r.Kind, r.Name, r.NIK}
}

// registered reads which recipients hold the keys of rs, one query per
// kind, and records in held the first (lowest id) of each key not held yet.
func (s *Store) registered(ctx context.Context, rs []*finance.Recipient, held map[recipientKey]int64) error {
	var niks, legal, names, groupNIKs []string
	for _, r := range rs {
		switch k := keyOf(r); k.kind {
		case "umkm":
			niks = append(niks, k.a)
		case "koperasi":
			legal = append(legal, k.a)
		default:
			names, groupNIKs = append(names, k.a), append(groupNIKs, k.b)
		}
	}
	db := s.conn(ctx)
	keep := func(k recipientKey, id int64) {
		if _, ok := held[k]; !ok {
			held[k] = id
		}
	}
	// Scanned by hand, as loadImportBatch's.
	var id int64
	var a, b string
	// The kind written out, not bound: SQLite plans the partial index
	// on umkm NIKs only for a literal.
	for _, by := range []struct {
		kind, column string
		values       []string
	}{{"umkm", "nik", niks}, {"koperasi", "legal_number", legal}} {
		for part := range chunks(distinct(by.values)) {
			err := scanEach(byKeys(s, db, "id, "+by.column, "recipients", by.column, part, "kind = '"+by.kind+"'", "ORDER BY id"), func(rows *sql.Rows) error {
				if err := rows.Scan(&id, &a); err != nil {
					return err
				}
				keep(recipientKey{by.kind, a, ""}, id)
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	// A kelompok by its NIK (indexed) and name; the pairs the rows name
	// are picked in Go.
	want := map[recipientKey]bool{}
	for i := range names {
		want[recipientKey{"kelompok", names[i], groupNIKs[i]}] = true
	}
	for part := range chunks(distinct(groupNIKs)) {
		err := scanEach(db.Raw("SELECT id, name, nik FROM recipients WHERE kind = 'kelompok' AND nik IN ? AND name IN ? ORDER BY id", part, distinct(names)),
			func(rows *sql.Rows) error {
				if err := rows.Scan(&id, &a, &b); err != nil {
					return err
				}
				if k := (recipientKey{"kelompok", a, b}); want[k] {
					keep(k, id)
				}
				return nil
			})
		if err != nil {
			return err
		}
	}
	return nil
}

var recipientColumns = []column{{"kind", "text"}, {"name", "text"}, {"owner_name", "text"}, {"nik", "text"}, {"nib", "text"},
	{"npwp", "text"}, {"sector", "text"}, {"size_class", "text"}, {"region_code", "text"}, {"address", "text"}, {"phone", "text"},
	{"bank_code", "text"}, {"account_no", "text"}, {"account_holder", "text"}, {"capital", "bigint"}, {"annual_sales", "bigint"},
	{"legal_number", "text"}, {"members", "int"}, {"last_rat_year", "int"}, {"active", "boolean"}, {"business_volume", "bigint"},
	{"assets", "bigint"}, {"workforce", "int"}, {"created_at", "timestamptz"}, {"updated_at", "timestamptz"}}

var historyColumns = []column{{"recipient_id", "bigint"}, {"valid_from", "text"}, {"size_class", "text"}, {"active", "boolean"},
	{"members", "int"}, {"last_rat_year", "int"}, {"business_volume", "bigint"}, {"assets", "bigint"}, {"workforce", "int"},
	{"created_at", "timestamp"}}

// insertRecipients writes checked recipients, the columns CreateRecipient
// writes, sets their ids, and writes each one's history row as
// recordHistory does (from the valid_from of its row of in, at[k] for
// rs[k]; else today).
func (s *Store) insertRecipients(ctx context.Context, rs []*finance.Recipient, in []finance.RecipientRow, at []int) error {
	rows := make([][]any, len(rs))
	for i, r := range rs {
		rows[i] = []any{r.Kind, r.Name, r.OwnerName, r.NIK, r.NIB, r.NPWP, r.Sector, r.SizeClass, r.RegionCode, r.Address, r.Phone,
			r.BankCode, r.AccountNo, r.AccountHolder, r.Capital, r.AnnualSales, r.LegalNumber, r.Members, r.LastRATYear, r.Active,
			r.BusinessVolume, r.Assets, r.Workforce, r.CreatedAt, r.UpdatedAt}
	}
	ids, err := s.insertRows(ctx, "recipients", recipientColumns, rows, true)
	if err != nil {
		return err
	}
	now := s.now(ctx)
	for i, r := range rs {
		r.ID = ids[i]
		h := s.historyOf(ctx, r, in[at[i]].Input.ValidFrom)
		rows[i] = []any{h.RecipientID, h.ValidFrom, h.SizeClass, h.Active, h.Members, h.LastRATYear, h.BusinessVolume, h.Assets, h.Workforce, now}
	}
	_, err = s.insertRows(ctx, "recipient_history", historyColumns, rows, false)
	return err
}

// ImportDisbursements records a batch of imported disbursements as drafts
// (and submits each with submit), inside the transaction in ctx, or skips
// a row when the recipient already has the same disbursement (amount and
// date) in that program and tranche, an earlier row of the batch included.
// It gives one outcome or refusal per row, in order; a refused row writes
// nothing. Without submit the batch is set-based: the recipients, programs
// and held tranches it names are read once, the rows are checked in Go by
// the rules CreateDisbursement applies, the drafts go in with multi-row
// INSERTs and their audit entries (one per row, as CreateDisbursement
// writes them) in one append. Row errors: validation_failed, forbidden,
// conflict, duplicate. Errors: unauthorized, forbidden, and internal
// errors, which fail the whole batch.
func (s *Store) ImportDisbursements(ctx context.Context, rows []finance.DisbursementRow, submit bool) ([]finance.RowOutcome, error) {
	actor, err := finance.Authorize(ctx, finance.ActRecordDisbursement, nil)
	if err != nil {
		return nil, err
	}
	out := make([]finance.RowOutcome, len(rows))
	if submit {
		for i, row := range rows {
			out[i].Outcome, out[i].Err = s.importSubmitted(ctx, row)
			if finance.ErrorCode(out[i].Err) == finance.EInternal {
				return out[:i+1], nil
			}
		}
		return out, nil
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.raiseCache(ctx, sqliteImportCache); err != nil {
			return err
		}
		b, err := s.loadImportBatch(ctx, rows, true)
		if err != nil {
			return err
		}
		var pending []*finance.Disbursement // checked, not yet inserted
		var at []int                        // their rows
		var created []*finance.Disbursement
		flush := func() error {
			written, err := s.insertSet(ctx, pending, at, out, b, draftColumns)
			if err != nil {
				return err
			}
			for _, d := range written {
				if err := s.putLoan(ctx, d); err != nil { // a credit program's loans, the few that lend
					return err
				}
			}
			created = append(created, written...)
			pending, at = pending[:0], at[:0]
			return nil
		}
		now := s.now(ctx)
		for i, row := range rows {
			rid, err := b.recipient(row)
			if err != nil {
				out[i].Err = err
				continue
			}
			d, err := row.NewDraft(rid)
			if err != nil {
				out[i].Err = err
				continue
			}
			p := b.programs[d.Program]
			if p != nil {
				k := trancheKey{p.ID, rid, d.Tranche}
				if h, ok := b.held[k]; ok && h.ID == 0 { // held by a row of this batch not yet written
					if err := flush(); err != nil {
						return err
					}
				}
				if h, ok := b.held[k]; ok { // flushed, the holder may be another writer's
					if h.Amount.Equal(d.Amount) && h.DisbursedOn == d.DisbursedOn {
						out[i].Outcome = finance.ImportSkipped
					} else {
						if out[i].Err = trancheTaken(s.conn(ctx), d, h.ID, true); finance.ErrorCode(out[i].Err) == finance.EInternal {
							return out[i].Err
						}
					}
					continue
				}
			}
			if p == nil {
				out[i].Err = finance.FieldError("program", "no program has this code")
				continue
			}
			if _, err := finance.Authorize(ctx, finance.ActRecordDisbursement, &p.AgencyID); err != nil {
				out[i].Err = err
				continue
			}
			if err := d.CheckAgainst(p); err != nil {
				out[i].Err = err
				continue
			}
			d.ProgramID, d.CreatedByID = p.ID, actor.UserID
			d.CreatedAt, d.UpdatedAt = now, now
			b.held[trancheKey{p.ID, rid, d.Tranche}] = d
			pending, at = append(pending, d), append(at, i)
		}
		if err := flush(); err != nil {
			return err
		}
		records := make([]auditRecord, len(created))
		for k, d := range created {
			records[k] = auditRecord{"create", "disbursement", d.ID, nil, d}
		}
		return s.auditAll(ctx, records)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insertSet writes the checked disbursements of a set (their columns
// cols) under a savepoint, and marks their rows (at, in out) created. When
// another writer took one of their tranches since the set was read, it
// writes them one by one instead, each under its own savepoint, and
// refuses those whose tranche was taken, whose holders later rows then
// see (b.held). It gives the disbursements written.
func (s *Store) insertSet(ctx context.Context, pending []*finance.Disbursement, at []int, out []finance.RowOutcome, b *importBatch, cols []column) ([]*finance.Disbursement, error) {
	if len(pending) == 0 {
		return nil, nil
	}
	err := s.savepoint(ctx, "import_set", func() error { return s.insertDisbursements(ctx, pending, cols) })
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		err = nil
		for k, d := range pending {
			err = s.savepoint(ctx, "import_row", func() error { return s.insertDisbursements(ctx, pending[k:k+1], cols) })
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				var id int64
				id, err = s.holdMeanwhile(ctx, d, b)
				if err == nil {
					out[at[k]].Err = trancheTaken(s.conn(ctx), d, id, false)
					if finance.ErrorCode(out[at[k]].Err) == finance.EInternal {
						err = out[at[k]].Err
					}
				}
			}
			if err != nil {
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	written := make([]*finance.Disbursement, 0, len(pending))
	for k, d := range pending {
		if out[at[k]].Err == nil {
			out[at[k]].Outcome = finance.ImportCreated
			written = append(written, d)
		}
	}
	return written, nil
}

// holdMeanwhile records the live row that holds d's tranche, taken by
// another writer after the batch was read, as holding it for the batch's
// later rows, and gives its id.
func (s *Store) holdMeanwhile(ctx context.Context, d *finance.Disbursement, b *importBatch) (int64, error) {
	k := trancheKey{d.ProgramID, d.RecipientID, d.Tranche}
	var held []*finance.Disbursement
	if err := s.conn(ctx).Raw(`SELECT id, program_id, recipient_id, tranche, amount, disbursed_on, status FROM disbursements
		WHERE program_id = ? AND recipient_id = ? AND tranche = ? AND status NOT IN ?`,
		k.program, k.recipient, k.tranche, statusArg(finance.Void)).Scan(&held).Error; err != nil {
		return 0, err
	}
	if len(held) == 0 {
		delete(b.held, k)
		return 0, nil
	}
	b.held[k] = held[0]
	return held[0].ID, nil
}

// trancheKey is what the one-live-per-tranche index holds unique.
type trancheKey struct {
	program, recipient int64
	tranche            int
}

// importBatch is what a batch of disbursement rows names, read once.
type importBatch struct {
	byNIK    map[string]int64   // the recipient a NIK names (an umkm first)
	byNIB    map[string][]int64 // the recipients holding a NIB, at most two
	programs map[string]*finance.Program
	held     map[trancheKey]*finance.Disbursement // live ones, id 0 while pending
	lookups  *finance.ImportLookups               // the import's share, nil for an actor who sees the data
}

// loadImportBatch reads the recipients, programs and held tranches the
// rows name. On PostgreSQL with lock it holds the programs (in id order)
// until the transaction ends, as checkDraft does, so none is closed or its
// fixed amount changed before the drafts commit.
func (s *Store) loadImportBatch(ctx context.Context, rows []finance.DisbursementRow, lock bool) (*importBatch, error) {
	b := &importBatch{byNIK: map[string]int64{}, byNIB: map[string][]int64{}, programs: map[string]*finance.Program{},
		held: map[trancheKey]*finance.Disbursement{}}
	var niks, nibs, codes []string
	for _, r := range rows {
		switch {
		case r.RecipientNIK != "":
			niks = append(niks, r.RecipientNIK)
		case r.RecipientNIB != "":
			nibs = append(nibs, r.RecipientNIB)
		}
		if r.Input.Program != nil {
			codes = append(codes, *r.Input.Program)
		}
	}
	db := s.conn(ctx)
	// Scanned by hand (GORM's reflection cost more than the queries).
	umkm := map[string]bool{}
	for part := range chunks(distinct(niks)) {
		var id int64
		var nik, kind string
		err := scanEach(byKeys(s, db, "id, nik, kind", "recipients", "nik", part, "", "ORDER BY id"), func(rows *sql.Rows) error {
			if err := rows.Scan(&id, &nik, &kind); err != nil {
				return err
			}
			if _, ok := b.byNIK[nik]; !ok || (kind == "umkm" && !umkm[nik]) {
				b.byNIK[nik] = id
				umkm[nik] = kind == "umkm"
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for part := range chunks(distinct(nibs)) {
		var found []struct {
			ID  int64
			NIB string
		}
		if err := byKeys(s, db, "id, nib", "recipients", "nib", part, "", "ORDER BY id").Scan(&found).Error; err != nil {
			return nil, err
		}
		for _, r := range found {
			if len(b.byNIB[r.NIB]) < 2 {
				b.byNIB[r.NIB] = append(b.byNIB[r.NIB], r.ID)
			}
		}
	}
	for part := range chunks(distinct(codes)) {
		if lock && s.driver == "postgres" {
			if err := db.Exec("SELECT id FROM programs WHERE code IN ? ORDER BY id FOR UPDATE", part).Error; err != nil {
				return nil, err
			}
		}
		var ps []*finance.Program
		if err := db.Raw(programSelect+" WHERE p.code IN ?", part).Scan(&ps).Error; err != nil {
			return nil, err
		}
		for _, p := range ps {
			p.ComputeRemaining()
			b.programs[p.Code] = p
		}
	}
	// The held tranches: the keys the rows name, each looked up through
	// the index on (program_id, recipient_id, tranche), whatever else the
	// recipients hold (lists of recipients, programs and tranches made
	// every combination a lookup). On PostgreSQL a LATERAL subquery kept
	// apart by OFFSET 0: as a join, a table grown in the import's own
	// transaction past its statistics was read whole and sorted for each
	// set (40 ms a set at 37,000 rows, growing with the table).
	keys := map[trancheKey]bool{}
	for _, r := range rows {
		id, _ := b.recipient(r)
		if id == 0 || r.Input.Program == nil || b.programs[*r.Input.Program] == nil {
			continue
		}
		t := 1 // NewDisbursement's default
		if r.Input.Tranche != nil {
			t = *r.Input.Tranche
		}
		keys[trancheKey{b.programs[*r.Input.Program].ID, id, t}] = true
	}
	sorted := slices.SortedFunc(maps.Keys(keys), func(a, b trancheKey) int {
		return cmp.Or(cmp.Compare(a.program, b.program), cmp.Compare(a.recipient, b.recipient), cmp.Compare(a.tranche, b.tranche))
	})
	const cols = `SELECT d.id, d.program_id, d.recipient_id, d.tranche, d.amount, d.disbursed_on, d.status FROM `
	const match = `d.program_id = k.program_id AND d.recipient_id = k.recipient_id AND d.tranche = k.tranche`
	for part := range chunks(sorted) {
		var q *gorm.DB
		if s.driver == "postgres" {
			var ps, rs, ts []int64
			for _, k := range part {
				ps, rs, ts = append(ps, k.program), append(rs, k.recipient), append(ts, int64(k.tranche))
			}
			q = db.Raw(cols+`unnest(?::bigint[], ?::bigint[], ?::int[]) AS k(program_id, recipient_id, tranche)
  CROSS JOIN LATERAL (SELECT * FROM disbursements d WHERE `+match+` OFFSET 0) d`,
				pgIntArray(ps), pgIntArray(rs), pgIntArray(ts))
		} else {
			values := strings.Repeat(",(?,?,?)", len(part))[1:]
			args := make([]any, 0, 3*len(part))
			for _, k := range part {
				args = append(args, k.program, k.recipient, k.tranche)
			}
			q = db.Raw(`WITH k(program_id, recipient_id, tranche) AS (VALUES `+values+`) `+cols+`k CROSS JOIN disbursements d ON `+match, args...)
		}
		err := scanEach(q, func(rows *sql.Rows) error {
			h := &finance.Disbursement{}
			if err := rows.Scan(&h.ID, &h.ProgramID, &h.RecipientID, &h.Tranche, &h.Amount, &h.DisbursedOn, &h.Status); err != nil {
				return err
			}
			if !finance.Void.Has(h.Status) {
				b.held[trancheKey{h.ProgramID, h.RecipientID, h.Tranche}] = h
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// Only the rows' answers spend the import's lookups, not this reading.
	b.lookups = finance.ImportLookupsOf(ctx)
	return b, nil
}

// recipient is the recipient a row names, as recipientForImport finds it.
func (b *importBatch) recipient(row finance.DisbursementRow) (int64, error) {
	switch {
	case row.RecipientNIK != "":
		if msg := finance.ValidNIK(row.RecipientNIK); msg != "" {
			return 0, finance.FieldError("recipient_nik", msg)
		}
		id, ok := b.byNIK[row.RecipientNIK]
		return id, b.lookups.Answer(ok, "recipient_nik")
	case row.RecipientNIB != "":
		if msg := finance.ValidNIB(row.RecipientNIB); msg != "" {
			return 0, finance.FieldError("recipient_nib", msg)
		}
		switch ids := b.byNIB[row.RecipientNIB]; len(ids) {
		case 0:
			return 0, finance.FieldError("recipient_nib", "no recipient has this NIB; import or register the recipient first")
		case 1:
			return ids[0], nil
		default:
			return 0, finance.FieldError("recipient_nib", "several recipients share this NIB; give the recipient_nik instead")
		}
	}
	return 0, finance.FieldError("recipient_nik", "give recipient_nik or recipient_nib")
}

// disbursementColumns are those CreateDisbursement writes and, after
// them, those a past payment adds (ImportHistoricalSet).
var disbursementColumns = []column{{"program_id", "bigint"}, {"recipient_id", "bigint"}, {"amount", "bigint"}, {"tranche", "int"},
	{"form", "text"}, {"status", "text"}, {"disbursed_on", "text"}, {"payment_ref", "text"}, {"note", "text"},
	{"created_by_id", "bigint"}, {"reconciled", "boolean"}, {"flags", "text"}, {"override_reason", "text"},
	{"created_at", "timestamptz"}, {"updated_at", "timestamptz"},
	{"approved_on", "text"}, {"paid_on", "text"}, {"submitted_by_id", "bigint"}, {"approved_by_id", "bigint"}}

// draftColumns are the columns of a draft: the others are NULL.
var draftColumns = disbursementColumns[:15]

// insertDisbursements writes checked disbursements, their columns cols
// (draftColumns or disbursementColumns), and sets their ids.
func (s *Store) insertDisbursements(ctx context.Context, ds []*finance.Disbursement, cols []column) error {
	rows := make([][]any, len(ds))
	for i, d := range ds {
		rows[i] = []any{d.ProgramID, d.RecipientID, d.Amount, d.Tranche, d.Form, string(d.Status), d.DisbursedOn, d.PaymentRef, d.Note,
			d.CreatedByID, d.Reconciled, d.Flags, d.OverrideReason, d.CreatedAt, d.UpdatedAt,
			d.ApprovedOn, d.PaidOn, d.SubmittedByID, d.ApprovedByID}[:len(cols)]
	}
	ids, err := s.insertRows(ctx, "disbursements", cols, rows, true)
	if err != nil {
		return err
	}
	for i, d := range ds {
		d.ID = ids[i]
	}
	return nil
}

// importSubmitted records one imported disbursement as a draft and submits
// it, under its own savepoint, or skips it as ImportDisbursements does; the
// submit's checks (flags) need the rows before it written, so it goes one
// row at a time. Errors: as ImportDisbursements, and those of the submit action.
func (s *Store) importSubmitted(ctx context.Context, row finance.DisbursementRow) (finance.ImportOutcome, error) {
	rid, err := s.recipientForImport(ctx, row)
	if err != nil {
		return 0, err
	}
	in := row.Input
	in.RecipientID = &rid
	d, err := finance.NewDisbursement(in)
	if err != nil {
		return 0, err
	}
	var held []finance.Disbursement
	err = s.conn(ctx).Raw(`SELECT d.id, d.amount, d.disbursed_on FROM disbursements d JOIN programs p ON p.id = d.program_id
		WHERE p.code = ? AND d.recipient_id = ? AND d.tranche = ? AND d.status NOT IN ?`,
		d.Program, rid, d.Tranche, statusArg(finance.Void)).Scan(&held).Error
	if err != nil {
		return 0, err
	}
	if len(held) > 0 {
		h := held[0]
		if h.Amount.Equal(d.Amount) && h.DisbursedOn == d.DisbursedOn {
			return finance.ImportSkipped, nil
		}
		return 0, trancheTaken(s.conn(ctx), d, h.ID, true)
	}
	err = s.importRow(ctx, func(ctx context.Context) error {
		created, err := s.CreateDisbursement(ctx, in)
		if err != nil {
			return err
		}
		_, err = s.ActOnDisbursement(ctx, created.ID, finance.ActionSubmit, finance.ActionInput{})
		return err
	})
	return finance.ImportCreated, err
}

// recipientForImport finds the recipient a disbursement row names: by NIK
// (an umkm first), else by NIB, which must then name one recipient only.
// Errors: validation_failed.
func (s *Store) recipientForImport(ctx context.Context, row finance.DisbursementRow) (int64, error) {
	switch {
	case row.RecipientNIK != "":
		if msg := finance.ValidNIK(row.RecipientNIK); msg != "" {
			return 0, finance.FieldError("recipient_nik", msg)
		}
		return s.recipientNamed(ctx, "nik", row.RecipientNIK, "recipient_nik")
	case row.RecipientNIB != "":
		if msg := finance.ValidNIB(row.RecipientNIB); msg != "" {
			return 0, finance.FieldError("recipient_nib", msg)
		}
		return s.recipientNamed(ctx, "nib", row.RecipientNIB, "recipient_nib")
	}
	return 0, finance.FieldError("recipient_nik", "give recipient_nik or recipient_nib")
}

// recipientNamed finds the one recipient an identifier names: a nik (an
// umkm first), a nib (which must name one recipient only) or a koperasi's
// legal_number; field is the file's column, for the error.
// Errors: validation_failed.
func (s *Store) recipientNamed(ctx context.Context, column, value, field string) (int64, error) {
	var ids []int64
	q := s.conn(ctx).Model(&finance.Recipient{})
	switch column {
	case "nik":
		q = q.Where("nik = ?", value).Order("CASE WHEN kind = 'umkm' THEN 0 ELSE 1 END, id").Limit(1)
	case "nib":
		q = q.Where("nib = ?", value).Order("id").Limit(2)
	default:
		q = q.Where("kind = 'koperasi' AND legal_number = ?", value).Order("id").Limit(1)
	}
	if err := q.Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	if column == "nik" {
		if err := finance.ImportLookupsOf(ctx).Answer(len(ids) > 0, field); err != nil {
			return 0, err
		}
	}
	switch {
	case len(ids) == 0 && column == "nib":
		return 0, finance.FieldError(field, "no recipient has this NIB; import or register the recipient first")
	case len(ids) == 0:
		return 0, finance.FieldError(field, "no koperasi has this legal number; import or register the koperasi first")
	case len(ids) == 2 && field == "recipient_nib":
		return 0, finance.FieldError(field, "several recipients share this NIB; give the recipient_nik instead")
	case len(ids) == 2:
		return 0, finance.FieldError(field, "several recipients share this NIB; give the nik, legal_number or recipient_id instead")
	}
	return ids[0], nil
}
