package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"gorm.io/gorm"

	"pilar/internal/finance"
)

// flagDisbursement computes d's flags for action from what the database
// knows (finance.ComputeFlags holds the rules) at submit and approve, and
// adds "paid after the program ended" at pay. Errors: validation_failed
// (approving a flagged disbursement without override_reason).
func (s *Store) flagDisbursement(ctx context.Context, d *finance.Disbursement, action string, in finance.ActionInput) error {
	switch action {
	case finance.ActionSubmit, finance.ActionApprove:
		p, err := s.programByCode(ctx, d.Program)
		if err != nil {
			return err
		}
		facts, err := s.flagFacts(ctx, d, p)
		if err != nil {
			return err
		}
		return d.ApplyFlags(action, finance.ComputeFlags(d, facts), in)
	case finance.ActionPay:
		p, err := s.programByCode(ctx, d.Program)
		if err != nil {
			return err
		}
		d.FlagPaidAfterEnd(p)
	}
	return nil
}

// flagFacts gathers what finance.ComputeFlags needs about d in program p.
func (s *Store) flagFacts(ctx context.Context, d *finance.Disbursement, p *finance.Program) (finance.FlagFacts, error) {
	facts, err := s.readFlagFacts(ctx, []int64{d.RecipientID}, []int{p.FiscalYear})
	if err != nil {
		return finance.FlagFacts{}, err
	}
	f, ok := facts.of(d.RecipientID, p)
	if !ok {
		return f, translate(gorm.ErrRecordNotFound, "recipient")
	}
	return f, nil
}

// flagFactSet is what the flags of disbursements of a set of recipients
// in programs of some fiscal years need, read for all of them at once.
type flagFactSet struct {
	recipients map[int64]*recipientFacts
	// rank orders the codes of the years' programs as the database
	// orders them (its collation), for the flag's list of other programs.
	rank map[string]int
}

// recipientFacts are the facts about one recipient, whatever the program.
type recipientFacts struct {
	recipient                           *finance.Recipient
	paid                                []paidIn // once per program from the database, then what the caller adds
	sharedNIK, sharedNIB, sharedAccount []int64
	exclusions                          []finance.ExclusionMatch
}

// paidIn is a program that paid a recipient.
type paidIn struct {
	program int64
	code    string
	year    int
}

// readFlagFacts reads the facts about these recipients (distinct ids),
// paid by programs of these fiscal years, in a few queries whatever
// their number: the recipients, the programs that paid them, the other
// recipients sharing their NIK, NIB or account (the first 20, by id),
// and the exclusion lists holding them.
func (s *Store) readFlagFacts(ctx context.Context, ids []int64, years []int) (*flagFactSet, error) {
	set := &flagFactSet{recipients: make(map[int64]*recipientFacts, len(ids)), rank: map[string]int{}}
	db := s.conn(ctx)
	var all []*finance.Recipient
	// The columns the flags read, scanned by hand (GORM's reflection over
	// the whole row cost more than the query).
	for part := range chunks(ids) {
		err := scanEach(db.Raw("SELECT id, nik, nib, bank_code, account_no, size_class, region_code FROM recipients WHERE id IN ?", part), func(rows *sql.Rows) error {
			r := &finance.Recipient{}
			if err := rows.Scan(&r.ID, &r.NIK, &r.NIB, &r.BankCode, &r.AccountNo, &r.SizeClass, &r.RegionCode); err != nil {
				return err
			}
			set.recipients[r.ID] = &recipientFacts{recipient: r}
			all = append(all, r)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(all) == 0 {
		return set, nil
	}
	// The years' programs, in the database's order of their codes.
	programs := map[int64]paidIn{}
	err := scanEach(db.Raw("SELECT id, code, fiscal_year FROM programs WHERE fiscal_year IN ? ORDER BY code", years), func(rows *sql.Rows) error {
		var x paidIn
		if err := rows.Scan(&x.program, &x.code, &x.year); err != nil {
			return err
		}
		set.rank[x.code] = len(set.rank)
		programs[x.program] = x
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Without joining the programs: PostgreSQL then reads the recipients'
	// rows through their index instead of the years' paid rows.
	for part := range chunks(ids) {
		err := scanEach(byKeys(s, db, "DISTINCT recipient_id, program_id", "disbursements", "recipient_id", part, "status IN ?", "", statusArg(finance.Realized)), func(rows *sql.Rows) error {
			var rid, pid int64
			if err := rows.Scan(&rid, &pid); err != nil {
				return err
			}
			if x, ok := programs[pid]; ok {
				set.recipients[rid].paid = append(set.recipients[rid].paid, x)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, x := range []struct {
		cols []string // compared, the first one named by the IN list
		key  func(r *finance.Recipient) []string
		dst  func(f *recipientFacts) *[]int64
	}{
		{[]string{"nik"}, func(r *finance.Recipient) []string { return []string{r.NIK} }, func(f *recipientFacts) *[]int64 { return &f.sharedNIK }},
		{[]string{"nib"}, func(r *finance.Recipient) []string { return []string{r.NIB} }, func(f *recipientFacts) *[]int64 { return &f.sharedNIB }},
		{[]string{"account_no", "bank_code"}, func(r *finance.Recipient) []string { return []string{r.AccountNo, r.BankCode} },
			func(f *recipientFacts) *[]int64 { return &f.sharedAccount }},
	} {
		holders := map[string][]*recipientFacts{}
		var values []string
		for _, r := range all {
			if k := x.key(r); k[0] != "" {
				key := strings.Join(k, "\x00")
				holders[key] = append(holders[key], set.recipients[r.ID])
				values = append(values, k[0])
			}
		}
		// By id: the first 20 other than the recipient are as many as the flag names.
		sel := "id, " + strings.Join(x.cols, ", ")
		for part := range chunks(distinct(values)) {
			var id int64
			k := make([]string, len(x.cols))
			dst := []any{&id}
			for i := range k {
				dst = append(dst, &k[i])
			}
			err := scanEach(byKeys(s, db, sel, "recipients", x.cols[0], part, "", "ORDER BY id"), func(rows *sql.Rows) error {
				if err := rows.Scan(dst...); err != nil {
					return err
				}
				for _, f := range holders[strings.Join(k, "\x00")] {
					if ids := x.dst(f); id != f.recipient.ID && len(*ids) < 20 {
						*ids = append(*ids, id)
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	matches, err := s.exclusionMatches(ctx, all)
	if err != nil {
		return nil, err
	}
	for id, m := range matches {
		set.recipients[id].exclusions = m
	}
	return set, nil
}

// paid counts a payment of recipient id by program p, entered since the
// set was read, for the flags of those after it.
func (set *flagFactSet) paid(id int64, p *finance.Program) {
	if f := set.recipients[id]; f != nil {
		f.paid = append(f.paid, paidIn{p.ID, p.Code, p.FiscalYear})
	}
}

// of is finance.FlagFacts of a disbursement of recipient id in program p,
// false when the set does not hold the recipient.
func (set *flagFactSet) of(id int64, p *finance.Program) (finance.FlagFacts, bool) {
	f := set.recipients[id]
	if f == nil {
		return finance.FlagFacts{Program: p}, false
	}
	facts := finance.FlagFacts{Program: p, Recipient: f.recipient, Exclusions: f.exclusions,
		SharedNIK: f.sharedNIK, SharedNIB: f.sharedNIB, SharedAccount: f.sharedAccount}
	for _, x := range f.paid {
		if x.year == p.FiscalYear && x.program != p.ID && !slices.Contains(facts.OtherPrograms, x.code) {
			facts.OtherPrograms = append(facts.OtherPrograms, x.code)
		}
	}
	slices.SortFunc(facts.OtherPrograms, func(a, b string) int { return cmp.Compare(set.rank[a], set.rank[b]) })
	return facts, true
}
