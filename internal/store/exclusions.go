package store

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"pilar/internal/finance"
)

// exclusionBatch is how many hashes one INSERT carries.
const exclusionBatch = 50000

// CreateExclusionList stores an uploaded list as keyed hashes only, in one
// transaction with batched multi-row inserts, and withdraws the list it
// replaces. Errors: unauthorized, forbidden, validation_failed, not_found,
// conflict (no key configured, replacing a withdrawn list).
func (s *Store) CreateExclusionList(ctx context.Context, in finance.ExclusionListInput, ids finance.ExclusionIdentifiers) (*finance.ExclusionList, error) {
	actor, err := finance.Authorize(ctx, finance.ActManageExclusions, nil)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if len(s.ExclusionKey) == 0 {
		return nil, finance.Errorf(finance.EConflict, "exclusion lists need a key: set exclusion.key in config.yaml (or PILAR_EXCLUSION_KEY) to 32 or more random characters")
	}
	l := &finance.ExclusionList{Kind: in.Kind, Source: in.Source, AsOf: in.AsOf, FileName: in.FileName,
		ReplacesID: in.Replaces, CreatedByID: actor.UserID, CreatedBy: actor.Email, CreatedAt: s.Now()}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if in.Replaces != nil {
			if err := s.withdrawExclusionList(ctx, *in.Replaces, "replace"); err != nil {
				return err
			}
		}
		db := s.conn(ctx)
		if err := db.Omit("WithdrawnAt", "CreatedBy").Create(l).Error; err != nil {
			return err
		}
		// Hashes are gathered (deduplicated) and written in sorted order: the
		// index then grows in one sweep instead of at random places, which
		// is what makes a million rows take seconds.
		hash := finance.NewExclusionHasher(s.ExclusionKey)
		seen := map[string]struct{}{}
		var hashes []string
		for {
			kind, value, ok, err := ids()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			h := hash(kind, value)
			if _, dup := seen[h]; dup {
				continue
			}
			seen[h] = struct{}{}
			hashes = append(hashes, h)
			if kind == finance.IdentNIK {
				l.NIKCount++
			} else {
				l.NIBCount++
			}
		}
		seen = nil
		slices.Sort(hashes)
		if err := s.raiseCache(ctx, sqliteExclusionCache); err != nil {
			return err
		}
		if err := s.insertHashes(ctx, l.ID, hashes); err != nil {
			return err
		}
		if err := db.Exec("UPDATE exclusion_lists SET nik_count = ?, nib_count = ? WHERE id = ?", l.NIKCount, l.NIBCount, l.ID).Error; err != nil {
			return err
		}
		return s.audit(ctx, "create", "exclusion_list", l.ID, nil, l)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

const exclusionSelect = `SELECT l.*, u.email AS created_by FROM exclusion_lists l JOIN users u ON u.id = l.created_by_id`

// FindExclusionLists lists every exclusion list with its counts, newest
// first (admin, reviewer, auditor). Errors: unauthorized, forbidden.
func (s *Store) FindExclusionLists(ctx context.Context) ([]*finance.ExclusionList, error) {
	if _, err := finance.Authorize(ctx, finance.ActReadExclusions, nil); err != nil {
		return nil, err
	}
	out := []*finance.ExclusionList{}
	return out, s.conn(ctx).Raw(exclusionSelect + " ORDER BY l.id DESC").Scan(&out).Error
}

// WithdrawExclusionList stops a list from matching and drops its hashes;
// the list itself stays for the record (admin). Errors: unauthorized,
// forbidden, not_found, conflict (already withdrawn).
func (s *Store) WithdrawExclusionList(ctx context.Context, id int64) error {
	if _, err := finance.Authorize(ctx, finance.ActManageExclusions, nil); err != nil {
		return err
	}
	return s.InTx(ctx, func(ctx context.Context) error { return s.withdrawExclusionList(ctx, id, "withdraw") })
}

func (s *Store) withdrawExclusionList(ctx context.Context, id int64, action string) error {
	var l finance.ExclusionList
	if err := s.conn(ctx).Raw(exclusionSelect+" WHERE l.id = ?", id).Take(&l).Error; err != nil {
		return translate(err, "exclusion list")
	}
	if l.WithdrawnAt != nil {
		return finance.Errorf(finance.EConflict, "exclusion list %d was already withdrawn", id)
	}
	before := l
	now := s.Now()
	l.WithdrawnAt = &now
	db := s.conn(ctx)
	res := db.Exec("UPDATE exclusion_lists SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL", now, id)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return finance.Errorf(finance.EConflict, "exclusion list %d was already withdrawn", id)
	}
	if err := db.Exec("DELETE FROM exclusion_entries WHERE list_id = ?", id).Error; err != nil {
		return err
	}
	return s.audit(ctx, action, "exclusion_list", id, before, l)
}

// exclusionMatches lists the live exclusion lists holding each
// recipient's NIK or NIB, by list and hash, for the recipients some list holds.
func (s *Store) exclusionMatches(ctx context.Context, rs []*finance.Recipient) (map[int64][]finance.ExclusionMatch, error) {
	out := map[int64][]finance.ExclusionMatch{}
	if len(s.ExclusionKey) == 0 {
		return out, nil
	}
	type holder struct {
		recipient int64
		by        string
	}
	hash := finance.NewExclusionHasher(s.ExclusionKey)
	holders := map[string][]holder{} // a hash, the recipients whose NIK or NIB it is
	for _, r := range rs {
		if r.NIK != "" {
			h := hash(finance.IdentNIK, r.NIK)
			holders[h] = append(holders[h], holder{r.ID, finance.IdentNIK})
		}
		if r.NIB != "" {
			h := hash(finance.IdentNIB, r.NIB)
			holders[h] = append(holders[h], holder{r.ID, finance.IdentNIB})
		}
	}
	hashes := slices.Sorted(maps.Keys(holders))
	type match struct {
		finance.ExclusionMatch
		hash string
	}
	found := map[int64][]match{}
	for part := range chunks(hashes) {
		var rows []struct {
			ID           int64
			Kind, Source string
			AsOf, Hash   string
		}
		err := s.conn(ctx).Raw(`SELECT DISTINCT l.id, l.kind, l.source, l.as_of, e.hash FROM exclusion_entries e
		JOIN exclusion_lists l ON l.id = e.list_id WHERE e.hash IN ? AND l.withdrawn_at IS NULL`, part).Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, x := range rows {
			for _, h := range holders[x.Hash] {
				found[h.recipient] = append(found[h.recipient], match{finance.ExclusionMatch{ListID: x.ID, Kind: x.Kind, Source: x.Source, AsOf: x.AsOf, By: h.by}, x.Hash})
			}
		}
	}
	for id, ms := range found {
		// By list, then hash (hex, ordered alike by the database and Go).
		slices.SortFunc(ms, func(a, b match) int { return cmp.Or(cmp.Compare(a.ListID, b.ListID), strings.Compare(a.hash, b.hash)) })
		out[id] = make([]finance.ExclusionMatch, len(ms))
		for i, m := range ms {
			out[id][i] = m.ExclusionMatch
		}
	}
	return out, nil
}

// insertHashes writes the hashes of list id, exclusionBatch at a time, each
// batch one INSERT ... SELECT over a single array parameter (a PostgreSQL
// text[], a JSON array for SQLite's json_each): two bound values per
// statement instead of two per row, so a million rows take a few dozen statements.
func (s *Store) insertHashes(ctx context.Context, id int64, hashes []string) error {
	db := s.conn(ctx)
	for start := 0; start < len(hashes); start += exclusionBatch {
		batch := hashes[start:min(start+exclusionBatch, len(hashes))]
		var err error
		if s.driver == "postgres" {
			err = db.Exec("INSERT INTO exclusion_entries (list_id, hash) SELECT ?, unnest(?::text[])", id, pgTextArray(batch)).Error
		} else {
			list, _ := json.Marshal(batch)
			err = db.Exec("INSERT INTO exclusion_entries (list_id, hash) SELECT ?, value FROM json_each(?)", id, string(list)).Error
		}
		if err != nil {
			return err
		}
	}
	return nil
}
