package recon

import (
	"sort"
	"strings"
	"time"
)

// Rules a match records, in the order Match applies them.
const (
	RuleReference      = "reference"       // same reference, same amount
	RuleBulk           = "bulk"            // one debit for a batch: the references equal, the amounts sum exactly
	RuleAmountMismatch = "amount_mismatch" // same reference, another amount: a person decides
	RuleAccountDate    = "account_date"    // same amount and account, booked within the window
	RuleProbable       = "probable"        // same amount within the window, the only candidate: a person confirms
	RuleReturReference = "retur_reference" // a credit (dana retur) by reference and amount
	RuleReturAccount   = "retur_account"   // a credit by amount and account
	RuleManual         = "manual"          // made by a person
)

// Settles reports whether a match by rule reconciles the disbursement
// without a person confirming it.
func Settles(rule string) bool {
	switch rule {
	case RuleReference, RuleBulk, RuleAccountDate, RuleReturReference, RuleReturAccount:
		return true
	}
	return false
}

// IsRetur reports whether the rule matches a credit line to a returned disbursement.
func IsRetur(rule string) bool { return rule == RuleReturReference || rule == RuleReturAccount }

// Payment is a paid (or since returned) disbursement that a line may match.
type Payment struct {
	ID         int64
	AmountSen  int64 // positive
	PaidOn     string
	ReturnedOn string // set when the money came back: a credit line may match it
	Ref        string // payment_ref
	Account    string // the recipient's account number
	// Paired and ReturPaired say the disbursement is already matched to a
	// debit line, or to a credit line, elsewhere.
	Paired, ReturPaired bool
}

// BankLine is a statement line as matching sees it.
type BankLine struct {
	ID          int64
	BookingDate string
	AmountSen   int64 // signed: money out is negative
	Ref         string
	Account     string
	Description string
}

// Pair is one match Match proposes. A bulk line has one Pair per disbursement.
type Pair struct {
	LineID         int64
	DisbursementID int64
	Rule           string
	// DifferenceSen is, for an amount mismatch, the bank amount (money out
	// as positive) minus the disbursement amount.
	DifferenceSen int64
}

// Ambiguous is a line that more than one disbursement could be, or that
// competes with another line for one disbursement; it stays unmatched.
type Ambiguous struct {
	LineID     int64
	Candidates []int64 // disbursement ids, at most MaxCandidates
}

// MaxCandidates bounds the candidates listed for one line.
const MaxCandidates = 10

// Result is what Match proposes.
type Result struct {
	Pairs     []Pair
	Ambiguous []Ambiguous
}

// NormalizeRef makes references comparable: upper case, without spaces,
// hyphens, dots, slashes and underscores, and without a leading REF or
// NO. prefix ("ref bpum-2024/001" and "BPUM2024001" are one reference).
func NormalizeRef(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, p := range []string{"REF:", "REF.", "REF#", "REF ", "REF-", "NO.", "NO:", "NO "} {
		if strings.HasPrefix(s, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	if strings.HasPrefix(s, "REF") && len(s) > 3 && s[3] >= '0' && s[3] <= '9' {
		s = s[3:]
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '-', '.', '/', '_', '\t':
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// NormalizeAccount keeps only the digits and letters of an account number.
func NormalizeAccount(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
			b = append(b, c)
		} else if c >= 'a' && c <= 'z' {
			b = append(b, c-32)
		}
	}
	return strings.TrimLeft(string(b), "0")
}

// Day turns YYYY-MM-DD into a day number; ok is false for anything else.
func Day(s string) (int32, bool) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, false
	}
	return int32(t.Unix() / 86400), true
}

// refKeys are the references a line may carry: its reference, and the
// words of its reference and description that look like one (five or
// more characters with a digit) — banks often put the payment reference
// in free text ("TRF KE 1234 BPUM-2024-0001").
func refKeys(l *BankLine, withDescription bool) []string {
	var keys []string
	add := func(k string) {
		if k == "" {
			return
		}
		for _, x := range keys {
			if x == k {
				return
			}
		}
		keys = append(keys, k)
	}
	add(NormalizeRef(l.Ref))
	words := strings.Fields(l.Ref)
	if withDescription {
		words = append(words, strings.Fields(l.Description)...)
	}
	if len(words) > 1 || withDescription {
		for _, w := range words {
			if len(w) >= 5 && strings.ContainsAny(w, "0123456789") {
				add(NormalizeRef(w))
			}
		}
	}
	return keys
}

type pay struct {
	*Payment
	day, retDay int32
	ref, acct   string
	taken       bool // matched to a debit line in this run
	retTaken    bool
}

type line struct {
	*BankLine
	day   int32
	acct  string
	taken bool
}

type dayKey struct {
	amount int64
	day    int32
}

type acctKey struct {
	amount int64
	acct   string
	day    int32
}

// Match proposes matches of lines to payments, deterministically: the same
// input gives the same pairs whatever the order of the slices. Rules apply
// in order — reference, bulk, amount_mismatch, account_date, probable for
// debits; retur_reference, retur_account for credits — and each pass only
// pairs a line and a disbursement that are each other's only candidate, so
// a line never matches two disbursements (but for a bulk line's batch) nor
// a disbursement two lines; ties stay unmatched and are listed as Ambiguous.
// windowDays bounds |booking date - paid_on| for account_date and probable.
func Match(payments []Payment, lines []BankLine, windowDays int) Result {
	ps := make([]*pay, 0, len(payments))
	for i := range payments {
		p := &pay{Payment: &payments[i], ref: NormalizeRef(payments[i].Ref), acct: NormalizeAccount(payments[i].Account)}
		var ok bool
		if p.day, ok = Day(p.PaidOn); !ok {
			p.day = -1 << 30
		}
		if p.retDay, ok = Day(p.ReturnedOn); !ok {
			p.retDay = -1 << 30
		}
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	ls := make([]*line, 0, len(lines))
	for i := range lines {
		l := &line{BankLine: &lines[i], acct: NormalizeAccount(lines[i].Account)}
		l.day, _ = Day(l.BookingDate)
		ls = append(ls, l)
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].ID < ls[j].ID })

	m := &matcher{ps: ps, ls: ls, window: int32(windowDays), cands: map[int64][]int64{}}
	m.byRef = map[string][]*pay{}
	for _, p := range ps {
		if p.ref != "" {
			m.byRef[p.ref] = append(m.byRef[p.ref], p)
		}
	}
	debit := func(l *line) bool { return l.AmountSen < 0 }
	credit := func(l *line) bool { return l.AmountSen > 0 }
	avail := func(p *pay) bool { return !p.Paired && !p.taken }
	retAvail := func(p *pay) bool { return p.ReturnedOn != "" && !p.ReturPaired && !p.retTaken }

	m.byReference(debit, avail, true, RuleReference)
	m.bulk()
	m.byReference(debit, avail, false, RuleAmountMismatch)
	m.byWindow(debit, true, RuleAccountDate)
	m.byWindow(debit, false, RuleProbable)
	m.byReference(credit, retAvail, true, RuleReturReference)
	m.returAccount()

	var amb []Ambiguous
	for _, l := range ls {
		if c := m.cands[l.ID]; !l.taken && len(c) > 0 {
			amb = append(amb, Ambiguous{LineID: l.ID, Candidates: c})
		}
	}
	return Result{Pairs: m.pairs, Ambiguous: amb}
}

type matcher struct {
	ps     []*pay
	ls     []*line
	byRef  map[string][]*pay
	window int32
	pairs  []Pair
	// cands are the candidates seen for each line that stayed unmatched in
	// a pass, for listing the ambiguous ones at the end.
	cands map[int64][]int64
}

func (m *matcher) note(l *line, cs []*pay) {
	have := m.cands[l.ID]
	for _, p := range cs {
		if len(have) >= MaxCandidates {
			break
		}
		dup := false
		for _, h := range have {
			dup = dup || h == p.ID
		}
		if !dup {
			have = append(have, p.ID)
		}
	}
	m.cands[l.ID] = have
}

// resolve pairs each line with its candidate when both are each other's
// only candidate in this pass, and notes the others as ties.
func (m *matcher) resolve(edges map[*line][]*pay, rule string, retur bool) {
	claims := map[*pay]int{}
	for _, cs := range edges {
		for _, p := range cs {
			claims[p]++
		}
	}
	for _, l := range m.ls {
		cs, ok := edges[l]
		if !ok {
			continue
		}
		if len(cs) == 1 && claims[cs[0]] == 1 {
			p := cs[0]
			pr := Pair{LineID: l.ID, DisbursementID: p.ID, Rule: rule}
			if rule == RuleAmountMismatch {
				pr.DifferenceSen = -l.AmountSen - p.AmountSen
			}
			m.pairs = append(m.pairs, pr)
			l.taken = true
			if retur {
				p.retTaken = true
			} else {
				p.taken = true
			}
			delete(m.cands, l.ID)
			continue
		}
		m.note(l, cs)
	}
}

// byReference pairs lines whose reference names a disbursement; sameAmount
// asks for equal amounts (reference, retur_reference), else for different
// ones on the reference itself only (amount_mismatch).
func (m *matcher) byReference(side func(*line) bool, avail func(*pay) bool, sameAmount bool, rule string) {
	edges := map[*line][]*pay{}
	for _, l := range m.ls {
		if l.taken || !side(l) {
			continue
		}
		amount := l.AmountSen
		if amount < 0 {
			amount = -amount
		}
		var cs []*pay
		for _, k := range refKeys(l.BankLine, sameAmount) {
			for _, p := range m.byRef[k] {
				if !avail(p) || (sameAmount != (p.AmountSen == amount)) || contains(cs, p) {
					continue
				}
				cs = append(cs, p)
				if len(cs) > MaxCandidates {
					break
				}
			}
		}
		if len(cs) > 0 {
			edges[l] = cs
		}
	}
	if !sameAmount {
		// a mismatch needs the reference to name one disbursement: a batch
		// reference whose amounts do not add up is not one payment
		for l, cs := range edges {
			if len(cs) != 1 || len(m.byRef[cs[0].ref]) != 1 {
				m.note(l, cs)
				delete(edges, l)
			}
		}
	}
	m.resolve(edges, rule, rule == RuleReturReference)
}

// bulk pairs a debit with the batch of available disbursements whose
// payment reference is the line's and whose amounts add up to it exactly.
func (m *matcher) bulk() {
	claimed := map[string][]*line{}
	for _, l := range m.ls {
		if l.taken || l.AmountSen >= 0 {
			continue
		}
		k := NormalizeRef(l.Ref)
		var batch []*pay
		var sum int64
		for _, p := range m.byRef[k] {
			if !p.Paired && !p.taken {
				batch = append(batch, p)
				sum += p.AmountSen
			}
		}
		if len(batch) > 1 && sum == -l.AmountSen {
			claimed[k] = append(claimed[k], l)
		}
	}
	for _, l := range m.ls {
		k := NormalizeRef(l.Ref)
		ls := claimed[k]
		if len(ls) == 0 || ls[0] != l {
			continue
		}
		var batch []*pay
		for _, p := range m.byRef[k] {
			if !p.Paired && !p.taken {
				batch = append(batch, p)
			}
		}
		if len(ls) > 1 {
			for _, x := range ls {
				m.note(x, batch)
			}
			continue
		}
		for _, p := range batch {
			m.pairs = append(m.pairs, Pair{LineID: l.ID, DisbursementID: p.ID, Rule: RuleBulk})
			p.taken = true
		}
		l.taken = true
		delete(m.cands, l.ID)
	}
}

// byWindow pairs debits with disbursements of the same amount paid within
// the window, and with the same account when withAccount.
func (m *matcher) byWindow(side func(*line) bool, withAccount bool, rule string) {
	// Counts per amount and day (and account) let each side count its
	// candidates in O(window) even when thousands of disbursements share
	// one amount, as BPUM's Rp2.400.000 does.
	payDay := map[acctKey][]*pay{}
	lineDay := map[acctKey]int{}
	key := func(amount int64, acct string, day int32) acctKey {
		if !withAccount {
			acct = ""
		}
		return acctKey{amount, acct, day}
	}
	for _, p := range m.ps {
		if p.Paired || p.taken || (withAccount && p.acct == "") {
			continue
		}
		k := key(p.AmountSen, p.acct, p.day)
		payDay[k] = append(payDay[k], p)
	}
	var todo []*line
	for _, l := range m.ls {
		if l.taken || !side(l) || (withAccount && l.acct == "") {
			continue
		}
		lineDay[key(-l.AmountSen, l.acct, l.day)]++
		todo = append(todo, l)
	}
	for _, l := range todo {
		var cs []*pay
		n := 0
		for d := l.day - m.window; d <= l.day+m.window; d++ {
			b := payDay[key(-l.AmountSen, l.acct, d)]
			n += len(b)
			for _, p := range b {
				if len(cs) < MaxCandidates {
					cs = append(cs, p)
				}
			}
		}
		if n == 0 {
			continue
		}
		if n == 1 {
			p := cs[0]
			claims := 0
			for d := p.day - m.window; d <= p.day+m.window; d++ {
				claims += lineDay[key(p.AmountSen, p.acct, d)]
			}
			if claims == 1 {
				m.pairs = append(m.pairs, Pair{LineID: l.ID, DisbursementID: p.ID, Rule: rule})
				l.taken, p.taken = true, true
				delete(m.cands, l.ID)
				continue
			}
		}
		m.note(l, cs)
	}
}

// returAccount pairs credits with returned disbursements of the same
// amount and account, each the other's only candidate.
func (m *matcher) returAccount() {
	type k struct {
		amount int64
		acct   string
	}
	pays := map[k][]*pay{}
	for _, p := range m.ps {
		if p.ReturnedOn != "" && !p.ReturPaired && !p.retTaken && p.acct != "" {
			pays[k{p.AmountSen, p.acct}] = append(pays[k{p.AmountSen, p.acct}], p)
		}
	}
	edges := map[*line][]*pay{}
	for _, l := range m.ls {
		if l.taken || l.AmountSen <= 0 || l.acct == "" {
			continue
		}
		if cs := pays[k{l.AmountSen, l.acct}]; len(cs) > 0 {
			edges[l] = cs
		}
	}
	m.resolve(edges, RuleReturAccount, true)
}

func contains(ps []*pay, p *pay) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}
