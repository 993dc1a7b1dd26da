package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"pilar/internal/finance"
)

// CreateRecipient adds a recipient to the shared registry.
// Errors: unauthorized, forbidden, validation_failed, duplicate (names the
// existing recipient with the same NIK).
func (s *Store) CreateRecipient(ctx context.Context, in finance.RecipientInput) (*finance.Recipient, error) {
	actor, err := finance.Authorize(ctx, finance.ActEditRecipient, nil)
	if err != nil {
		return nil, err
	}
	r, err := finance.NewRecipient(in)
	if err != nil {
		return nil, err
	}
	ctx = s.stamp(ctx) // one timestamp for the row and its audit entry
	r.CreatedAt, r.UpdatedAt = s.now(ctx), s.now(ctx)
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.nikTaken(ctx, r); err != nil {
			return err
		}
		if err := s.conn(ctx).Create(r).Error; err != nil {
			return duplicateNIK(actor, translate(err, "an umkm with this NIK"))
		}
		if err := s.recordHistory(ctx, r, in.ValidFrom); err != nil {
			return err
		}
		return s.audit(ctx, "create", "recipient", r.ID, nil, r)
	})
	if err != nil {
		return nil, s.refusedAsDuplicate(ctx, actor, r, err)
	}
	maskFor(actor, r)
	return r, nil
}

// nikTaken refuses an umkm whose NIK another umkm holds, naming that one.
// It reads inside the caller's transaction, so a recipient added earlier in
// the same import batch is found too; the unique index still guards races.
// Errors: duplicate.
func (s *Store) nikTaken(ctx context.Context, r *finance.Recipient) error {
	if r.Kind != "umkm" {
		return nil
	}
	var ids []int64
	if err := s.conn(ctx).Raw("SELECT id FROM recipients WHERE kind = 'umkm' AND nik = ? AND id <> ?", r.NIK, r.ID).Scan(&ids).Error; err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	id := ids[0]
	if a := finance.ActorFrom(ctx); a != nil && !a.SeesPersonalData() {
		return duplicateNIK(a, nil)
	}
	e := finance.Errorf(finance.EDuplicate, "an umkm with this NIK is already registered as recipient %d", id)
	e.Fields = map[string]finance.Msg{"nik": finance.M("already registered as recipient %d", id)}
	return e
}

// duplicateNIK is the refusal of a taken NIK shown to a role that sees
// masked data: that it is taken (what officers need to know), not by whom,
// which with the masked NIK shown would confirm the full one. err is
// returned as it is when it is not a duplicate or the actor sees personal data.
func duplicateNIK(a *finance.Actor, err error) error {
	if a.SeesPersonalData() || (err != nil && finance.ErrorCode(err) != finance.EDuplicate) {
		return err
	}
	e := finance.Errorf(finance.EDuplicate, "an umkm with this NIK is already registered")
	e.Fields = map[string]finance.Msg{"nik": finance.M("already registered")}
	return e
}

// refusedAsDuplicate counts a write refused because the NIK is taken as an
// identifier lookup (after its transaction rolled back); past the limit the
// answer is too_many_requests instead. Other errors pass unchanged.
func (s *Store) refusedAsDuplicate(ctx context.Context, a *finance.Actor, r *finance.Recipient, err error) error {
	if finance.ErrorCode(err) != finance.EDuplicate {
		return err
	}
	// Inside a caller's transaction (an Idempotency-Key request) the count
	// commits with it; an import's row savepoint takes it back, as imports
	// are not counted. A transaction already aborted (PostgreSQL, a unique
	// index) cannot count: the refusal stands as it is.
	lerr := s.countLookup(ctx, a, "nik", r.NIK)
	if _, inTx := ctx.Value(txKey{}).(*gorm.DB); inTx && finance.ErrorCode(lerr) == finance.EInternal {
		return err
	}
	if lerr != nil {
		return lerr
	}
	return err
}

func maskFor(a *finance.Actor, rs ...*finance.Recipient) {
	for _, r := range rs {
		r.DecodeNIK()
		if !a.SeesPersonalData() {
			r.Mask()
		}
	}
}

func (s *Store) recipientByID(ctx context.Context, id int64) (*finance.Recipient, error) {
	var r finance.Recipient
	err := s.conn(ctx).Where("id = ?", id).Take(&r).Error
	return &r, translate(err, "recipient")
}

// FindRecipientByID returns one recipient, masked per role.
// Errors: unauthorized, not_found.
func (s *Store) FindRecipientByID(ctx context.Context, id int64) (*finance.Recipient, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, err
	}
	r, err := s.recipientByID(ctx, id)
	if err != nil {
		return nil, err
	}
	maskFor(actor, r)
	return r, nil
}

// FindRecipients lists recipients by id, masked per role. Errors: unauthorized.
func (s *Store) FindRecipients(ctx context.Context, f finance.RecipientFilter) ([]*finance.Recipient, string, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, "", err
	}
	f.Normalize()
	if err := s.countRecipientLookup(ctx, actor, f); err != nil {
		return nil, "", err
	}
	cond, after, order, backward := keyset(f.Page, "id")
	var out []*finance.Recipient
	if err := s.recipientsWhere(ctx, f).Where(cond, after).Order(order).Limit(f.Limit + 1).Find(&out).Error; err != nil {
		return nil, "", err
	}
	maskFor(actor, out...)
	out, next := pageIn(out, f.Limit, backward, func(x *finance.Recipient) int64 { return x.ID })
	return out, next, nil
}

// TotalRecipients counts the recipients FindRecipients would list on every
// page; by a NIK or NIB it is a lookup as much as the list is, and counts
// as one. Errors: unauthorized, too_many_requests.
func (s *Store) TotalRecipients(ctx context.Context, f finance.RecipientFilter) (int64, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return 0, err
	}
	if err := s.countRecipientLookup(ctx, actor, f); err != nil {
		return 0, err
	}
	var n int64
	err = s.recipientsWhere(ctx, f).Count(&n).Error
	return n, err
}

// countRecipientLookup counts a search by a full NIK or NIB as an
// identifier lookup (countLookup). Errors: too_many_requests.
func (s *Store) countRecipientLookup(ctx context.Context, actor *finance.Actor, f finance.RecipientFilter) error {
	switch {
	case f.NIK != "":
		return s.countLookup(ctx, actor, "nik", f.NIK)
	case f.NIB != "":
		return s.countLookup(ctx, actor, "nib", f.NIB)
	}
	return nil
}

// recipientsWhere is the query of a recipient list: the filter, its page aside.
func (s *Store) recipientsWhere(ctx context.Context, f finance.RecipientFilter) *gorm.DB {
	q := s.conn(ctx).Model(&finance.Recipient{})
	if f.Q != "" {
		q = q.Where("LOWER(name) LIKE ? ESCAPE '\\'", "%"+likeEscape(strings.ToLower(f.Q))+"%")
	}
	if f.NIK != "" {
		q = q.Where("nik = ?", f.NIK)
	}
	if f.NIB != "" {
		q = q.Where("nib = ?", f.NIB)
	}
	if f.Region != "" {
		q = q.Where("(region_code = ? OR region_code LIKE ? ESCAPE '\\')", f.Region, likeEscape(f.Region)+".%")
	}
	if f.SizeClass != "" {
		q = q.Where("size_class = ?", f.SizeClass)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	return q
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// UpdateRecipient changes a recipient. Errors: unauthorized, forbidden,
// not_found, validation_failed, duplicate.
func (s *Store) UpdateRecipient(ctx context.Context, id int64, in finance.RecipientInput) (*finance.Recipient, error) {
	actor, err := finance.Authorize(ctx, finance.ActEditRecipient, nil)
	if err != nil {
		return nil, err
	}
	var out *finance.Recipient
	err = s.InTx(ctx, func(ctx context.Context) error {
		r, err := s.recipientByID(ctx, id)
		if err != nil {
			return err
		}
		before := *r
		finance.DropMaskedEcho(r, &in)
		if err := r.Patch(in); err != nil {
			return err
		}
		r.UpdatedAt = s.now(ctx)
		if err := s.nikTaken(ctx, r); err != nil {
			return err
		}
		if err := s.conn(ctx).Save(r).Error; err != nil {
			return duplicateNIK(actor, translate(err, "an umkm with this NIK"))
		}
		if in.ValidFrom != nil || historyChanged(&before, r) {
			if err := s.recordHistory(ctx, r, in.ValidFrom); err != nil {
				return err
			}
		}
		out = r
		return s.audit(ctx, "update", "recipient", r.ID, before, r)
	})
	if err != nil {
		nik := ""
		if in.NIK != nil {
			nik = *in.NIK
		}
		return nil, s.refusedAsDuplicate(ctx, actor, &finance.Recipient{NIK: nik}, err)
	}
	maskFor(actor, out)
	return out, nil
}
