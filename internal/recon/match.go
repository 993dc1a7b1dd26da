package recon

import (
	"bytes"
	"cmp"
	"hash/maphash"
	"slices"
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
	s = strings.TrimSpace(s)
	// a prefix REF: REF. REF# "REF " REF- NO. NO: "NO ", or REF before a digit
	if len(s) > 3 && strings.EqualFold(s[:3], "REF") && (strings.IndexByte(":.# -", s[3]) >= 0 || (s[3] >= '0' && s[3] <= '9')) {
		if s[3] >= '0' && s[3] <= '9' {
			s = s[3:]
		} else {
			s = strings.TrimSpace(s[4:])
		}
	} else if len(s) > 3 && strings.EqualFold(s[:2], "NO") && strings.IndexByte(".: ", s[2]) >= 0 {
		s = strings.TrimSpace(s[3:])
	}
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		c := s[i]
		clean = !(c >= 'a' && c <= 'z') && c != ' ' && c != '-' && c != '.' && c != '/' && c != '_' && c != '\t' && c < 0x80
	}
	if clean {
		return s // already normal: no allocation
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '_' || c == '\t':
		case c >= 'a' && c <= 'z':
			b = append(b, c-32)
		default:
			b = append(b, c)
		}
	}
	for _, c := range b {
		if c >= 0x80 { // letters beyond ASCII: let strings.ToUpper handle them
			return strings.TrimSpace(strings.ToUpper(strings.ToValidUTF8(string(b), "")))
		}
	}
	return strings.TrimSpace(string(b))
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

// Day turns YYYY-MM-DD into a day number (days since 1970-01-01); ok is
// false for anything else.
func Day(s string) (int32, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	n := func(a, b int) int {
		v := 0
		for i := a; i < b; i++ {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			v = v*10 + int(s[i]-'0')
		}
		return v
	}
	y, mo, d := n(0, 4), n(5, 7), n(8, 10)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return 0, false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return 0, false // 31 February
	}
	return int32(t.Unix() / 86400), true
}

// Match proposes matches of lines to payments, deterministically: the same
// input gives the same pairs whatever the order of the slices. See Matcher
// for the rules; Match is a Matcher fed from slices.
func Match(payments []Payment, lines []BankLine, windowDays int) Result {
	m := NewMatcher(windowDays)
	for _, p := range payments {
		m.AddPayment(p)
	}
	for _, l := range lines {
		m.AddLine(l)
	}
	m.Run()
	var res Result
	m.EachPair(func(p Pair) error { res.Pairs = append(res.Pairs, p); return nil })
	res.Ambiguous = m.Ambiguous()
	return res
}

// payment flags
const (
	fReturned    uint8 = 1 << iota // returned_on is set: a credit may match it
	fPaired                        // a debit line holds it already, elsewhere
	fReturPaired                   // a credit line holds it already, elsewhere
	fTaken                         // paired with a debit line in this run
	fRet                           // paired with a credit line in this run
)

// line flags
const (
	lTaken    uint8 = 1 << iota
	lMultiRef       // the reference has more than one word
)

// span is a string in Matcher.arena.
type span struct{ off, n uint32 }

// mpay is a payment as the matcher keeps it: numbers only, its normalised
// reference and account as spans of one arena and then as group numbers.
type mpay struct {
	id, amount  int64
	day         int32 // paid_on as a day number
	refG, acctG int32 // the reference's and account's group, -1 for none
	flags       uint8
}

// mline is a statement line as the matcher keeps it: the groups its
// reference, account and reference-like words name are resolved when it
// is added, so no string of a line is kept.
type mline struct {
	id, amount    int64
	day           int32
	refG          int32  // the group its normalised reference names, -1 for none
	acctG         int32  // the account's group; noAccount, or unknownAccount when no payment has it
	words         uint32 // offset in Matcher.words of the groups its words name
	nRefW, nDescW uint8  // how many of them come from the reference, from the description
	flags         uint8
}

const (
	noAccount      = -1
	unknownAccount = -2
	noDay          = -1 << 30
)

// cpair is a match made in a run, by ranks.
type cpair struct {
	line, pay int32
	rule      uint8
}

var ruleNames = []string{RuleReference, RuleBulk, RuleAmountMismatch, RuleAccountDate, RuleProbable, RuleReturReference, RuleReturAccount}

func ruleIndex(rule string) uint8 { return uint8(slices.Index(ruleNames, rule)) }

// Matcher matches statement lines to payments in memory proportional to
// their number and nothing else: payments and lines are fed one at a time
// (from a database cursor, say) and kept as numbers — amounts in sen, days
// since 1970, references and accounts as group numbers found by binary
// search in sorted arrays — so a million of each take about 100 MiB.
//
// Rules apply in order — reference, bulk, amount_mismatch, account_date,
// probable for debits; retur_reference, retur_account for credits — and
// each pass only pairs a line and a disbursement that are each other's
// only candidate, so a line never matches two disbursements (but for a
// bulk line's batch) nor a disbursement two lines; ties stay unmatched and
// are listed as Ambiguous. The window bounds |booking date - paid_on| for
// account_date and probable. The result does not depend on the order in
// which payments and lines are added.
//
// Use: AddPayment for every payment, then AddLine for every line, Run,
// then EachPair and Ambiguous.
type Matcher struct {
	window   int32
	pays     []mpay
	lines    []mline
	arena    []byte   // the payments' normalised references and accounts
	keys     []span   // until freeze: payment i's reference is keys[2i], its account keys[2i+1]
	refSort  []int32  // payment ranks with a reference, by reference then rank
	refStart []int32  // group g is refSort[refStart[g]:refStart[g+1]]
	refKey   keyIndex // the groups' references
	acctKey  keyIndex // the account groups' accounts
	words    []int32  // the groups lines' reference-like words name
	frozen   bool
	pairs    []cpair
	cands    map[int32][]int32 // line rank -> payment ranks, of lines left open
	claims   []int32
	buf      []int32
}

// NewMatcher returns a Matcher with a window of windowDays.
func NewMatcher(windowDays int) *Matcher {
	return &Matcher{window: int32(windowDays), cands: map[int32][]int32{}}
}

func (m *Matcher) put(s string) span {
	sp := span{uint32(len(m.arena)), uint32(len(s))}
	m.arena = append(m.arena, s...)
	return sp
}

func (m *Matcher) bytes(s span) []byte { return m.arena[s.off : s.off+s.n] }

// Grow makes room for that many more payments and lines, so that a caller
// who knows the counts spares the copies of growing slices.
func (m *Matcher) Grow(payments, lines int) {
	m.pays = slices.Grow(m.pays, payments)
	m.keys = slices.Grow(m.keys, 2*payments)
	m.arena = slices.Grow(m.arena, 32*payments)
	m.lines = slices.Grow(m.lines, lines)
	m.pairs = slices.Grow(m.pairs, lines)
}

// AddPayment adds a payment; all payments come before the first line.
func (m *Matcher) AddPayment(p Payment) {
	if m.frozen {
		panic("recon: AddPayment after AddLine")
	}
	d, ok := Day(p.PaidOn)
	if !ok {
		d = noDay
	}
	x := mpay{id: p.ID, amount: p.AmountSen, day: d, refG: int32(len(m.pays)), acctG: noAccount}
	m.keys = append(m.keys, m.put(NormalizeRef(p.Ref)), m.put(NormalizeAccount(p.Account)))
	if p.ReturnedOn != "" {
		x.flags |= fReturned
	}
	if p.Paired {
		x.flags |= fPaired
	}
	if p.ReturPaired {
		x.flags |= fReturPaired
	}
	m.pays = append(m.pays, x)
}

// freeze orders the payments by id and groups equal references and equal
// accounts.
func (m *Matcher) freeze() {
	if m.frozen {
		return
	}
	m.frozen = true
	// refG holds the order of adding until the keys move to their groups
	if !slices.IsSortedFunc(m.pays, func(a, b mpay) int { return cmp.Compare(a.id, b.id) }) {
		slices.SortStableFunc(m.pays, func(a, b mpay) int { return cmp.Compare(a.id, b.id) })
	}
	key := func(r int32, k int32) []byte { return m.bytes(m.keys[2*m.pays[r].refG+k]) }
	group := func(k int32) []int32 {
		idx := make([]int32, 0, len(m.pays))
		for r := range m.pays {
			if len(key(int32(r), k)) > 0 {
				idx = append(idx, int32(r))
			}
		}
		slices.SortStableFunc(idx, func(a, b int32) int { return bytes.Compare(key(a, k), key(b, k)) })
		return idx
	}
	m.refSort = group(0)
	m.refStart = make([]int32, 0, len(m.refSort)+1)
	m.refKey.keys = make([]span, 0, len(m.refSort))
	for i, r := range m.refSort {
		if i == 0 || !bytes.Equal(key(r, 0), key(m.refSort[i-1], 0)) {
			m.refStart = append(m.refStart, int32(i))
			m.refKey.keys = append(m.refKey.keys, m.keys[2*m.pays[r].refG])
		}
	}
	m.refStart = append(m.refStart, int32(len(m.refSort)))
	accts := group(1)
	m.acctKey.keys = make([]span, 0, len(accts))
	for i, r := range accts {
		if i == 0 || !bytes.Equal(key(r, 1), key(accts[i-1], 1)) {
			m.acctKey.keys = append(m.acctKey.keys, m.keys[2*m.pays[r].refG+1])
		}
		m.pays[r].acctG = int32(len(m.acctKey.keys) - 1)
	}
	for r := range m.pays {
		m.pays[r].refG = -1
	}
	for g := range len(m.refStart) - 1 {
		for _, r := range m.group(int32(g)) {
			m.pays[r].refG = int32(g)
		}
	}
	m.keys = nil
	m.refKey.build(m.arena)
	m.acctKey.build(m.arena)
	m.claims = make([]int32, len(m.pays))
}

// keyIndex finds a group by its key in a hash table of group numbers
// (open addressing, linear probing), 16 bytes a group beside the keys.
// A slot holds the key's hash in its upper half, so a probe reads the key
// itself only when the hashes agree.
type keyIndex struct {
	keys  []span   // group g's key
	slots []uint64 // hash<<32 | g+1, or 0 for an empty slot; the length is a power of two
	seed  maphash.Seed
	arena []byte
}

func (x *keyIndex) build(arena []byte) {
	n := 8
	for n < 2*len(x.keys) {
		n *= 2
	}
	x.slots, x.seed, x.arena = make([]uint64, n), maphash.MakeSeed(), arena
	mask := uint64(n - 1)
	for g, k := range x.keys {
		h := maphash.Bytes(x.seed, arena[k.off:k.off+k.n])
		i := h & mask
		for x.slots[i] != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = h&^(1<<32-1) | uint64(g+1)
	}
}

// find is the group whose key is k, or -1.
func (x *keyIndex) find(k string) int32 {
	mask := uint64(len(x.slots) - 1)
	h := maphash.String(x.seed, k)
	for i := h & mask; x.slots[i] != 0; i = (i + 1) & mask {
		if v := x.slots[i]; v>>32 == h>>32 {
			g := int32(v&(1<<32-1)) - 1
			if s := x.keys[g]; string(x.arena[s.off:s.off+s.n]) == k {
				return g
			}
		}
	}
	return -1
}

// refGroup is the group of payments whose normalised reference is k, or -1.
func (m *Matcher) refGroup(k string) int32 {
	if k == "" {
		return -1
	}
	return m.refKey.find(k)
}

func (m *Matcher) acctGroup(k string) int32 {
	if k == "" {
		return noAccount
	}
	if g := m.acctKey.find(k); g >= 0 {
		return g
	}
	return unknownAccount
}

// group is the payment ranks of reference group g, in id order.
func (m *Matcher) group(g int32) []int32 {
	if g < 0 {
		return nil
	}
	return m.refSort[m.refStart[g]:m.refStart[g+1]]
}

// AddLine adds a statement line.
func (m *Matcher) AddLine(l BankLine) {
	m.freeze()
	d, _ := Day(l.BookingDate)
	ref := NormalizeRef(l.Ref)
	x := mline{id: l.ID, amount: l.AmountSen, day: d, refG: m.refGroup(ref), acctG: m.acctGroup(NormalizeAccount(l.Account)), words: uint32(len(m.words))}
	// banks often put the payment reference in free text: the groups its
	// reference-like words name are the fallback when its reference names none
	words := func(s string) uint8 {
		var n uint8
		for w := range strings.FieldsSeq(s) {
			if len(w) >= 5 && strings.ContainsAny(w, "0123456789") && n < 255 {
				if k := NormalizeRef(w); k != ref {
					if g := m.refGroup(k); g >= 0 {
						m.words = append(m.words, g)
						n++
					}
				}
			}
		}
		return n
	}
	x.nRefW = words(l.Ref)
	x.nDescW = words(l.Description)
	if multiWord(l.Ref) {
		x.flags |= lMultiRef
	}
	m.lines = append(m.lines, x)
}

// Payments and Lines count what was added.
func (m *Matcher) Payments() int { return len(m.pays) }
func (m *Matcher) Lines() int    { return len(m.lines) }

// Run applies the rules.
func (m *Matcher) Run() {
	m.freeze()
	if !slices.IsSortedFunc(m.lines, func(a, b mline) int { return cmp.Compare(a.id, b.id) }) {
		slices.SortStableFunc(m.lines, func(a, b mline) int { return cmp.Compare(a.id, b.id) })
	}
	debit := func(r int) bool { return m.lines[r].amount < 0 }
	credit := func(r int) bool { return m.lines[r].amount > 0 }
	avail := func(r int32) bool { return m.pays[r].flags&(fPaired|fTaken) == 0 }
	retAvail := func(r int32) bool { return m.pays[r].flags&(fReturned|fReturPaired|fRet) == fReturned }

	m.byReference(debit, avail, true, RuleReference)
	m.bulk()
	m.byReference(debit, avail, false, RuleAmountMismatch)
	m.byWindow(true, RuleAccountDate)
	m.byWindow(false, RuleProbable)
	m.byReference(credit, retAvail, true, RuleReturReference)
	m.returAccount()
	m.claims, m.buf = nil, nil
}

// EachPair calls fn with each match, in the order the rules made them,
// and stops at the first error.
func (m *Matcher) EachPair(fn func(Pair) error) error {
	for _, c := range m.pairs {
		l, p := &m.lines[c.line], &m.pays[c.pay]
		pr := Pair{LineID: l.id, DisbursementID: p.id, Rule: ruleNames[c.rule]}
		if pr.Rule == RuleAmountMismatch {
			pr.DifferenceSen = -l.amount - p.amount
		}
		if err := fn(pr); err != nil {
			return err
		}
	}
	return nil
}

// PairCount is how many matches Run made.
func (m *Matcher) PairCount() int { return len(m.pairs) }

// Ambiguous lists the lines left open that had candidates, by line id.
func (m *Matcher) Ambiguous() []Ambiguous {
	var amb []Ambiguous
	for r := range m.lines {
		if c := m.cands[int32(r)]; m.lines[r].flags&lTaken == 0 && len(c) > 0 {
			ids := make([]int64, len(c))
			for i, p := range c {
				ids[i] = m.pays[p].id
			}
			amb = append(amb, Ambiguous{LineID: m.lines[r].id, Candidates: ids})
		}
	}
	return amb
}

// note keeps up to MaxCandidates candidates of a line that stays open.
func (m *Matcher) note(r int, cs []int32) {
	have := m.cands[int32(r)]
	for _, c := range cs {
		if len(have) >= MaxCandidates {
			break
		}
		if !slices.Contains(have, c) {
			have = append(have, c)
		}
	}
	m.cands[int32(r)] = have
}

func (m *Matcher) pair(r int, p int32, rule string, retur bool) {
	m.pairs = append(m.pairs, cpair{int32(r), p, ruleIndex(rule)})
	m.lines[r].flags |= lTaken
	if retur {
		m.pays[p].flags |= fRet
	} else {
		m.pays[p].flags |= fTaken
	}
	delete(m.cands, int32(r))
}

// candidatesByRef collects into m.buf the available payments a line's
// reference names: its reference first, and only when that names none,
// the reference-like words of its reference and (withDescription) its
// description.
func (m *Matcher) candidatesByRef(r int, avail func(int32) bool, sameAmount, withDescription bool) []int32 {
	l := &m.lines[r]
	amount := l.amount
	if amount < 0 {
		amount = -amount
	}
	m.buf = m.buf[:0]
	add := func(g int32) {
		for _, p := range m.group(g) {
			if !avail(p) || sameAmount != (m.pays[p].amount == amount) || slices.Contains(m.buf, p) {
				continue
			}
			m.buf = append(m.buf, p)
			if len(m.buf) > MaxCandidates {
				return
			}
		}
	}
	add(l.refG)
	if len(m.buf) > 0 {
		return m.buf
	}
	n := uint32(l.nRefW)
	if withDescription {
		n += uint32(l.nDescW)
	} else if l.flags&lMultiRef == 0 {
		n = 0
	}
	for _, g := range m.words[l.words : l.words+n] {
		add(g)
	}
	return m.buf
}

// byReference pairs lines whose reference names a disbursement; sameAmount
// asks for equal amounts (reference, retur_reference), else for different
// ones on a reference that names one disbursement only (amount_mismatch).
func (m *Matcher) byReference(side func(int) bool, avail func(int32) bool, sameAmount bool, rule string) {
	single := make([]int32, len(m.lines)) // the one candidate of each line, or -1
	var touched []int32
	for r := range m.lines {
		single[r] = -1
		if m.lines[r].flags&lTaken != 0 || !side(r) {
			continue
		}
		cs := m.candidatesByRef(r, avail, sameAmount, sameAmount)
		if len(cs) == 0 {
			continue
		}
		for _, p := range cs {
			if m.claims[p] == 0 {
				touched = append(touched, p)
			}
			m.claims[p]++
		}
		// a mismatch needs the reference to name one disbursement: a batch
		// reference whose amounts do not add up is not one payment
		if len(cs) == 1 && (sameAmount || len(m.group(m.pays[cs[0]].refG)) == 1) {
			single[r] = cs[0]
		} else {
			m.note(r, cs)
		}
	}
	for r, p := range single {
		switch {
		case p < 0 || m.lines[r].flags&lTaken != 0:
		case m.claims[p] == 1:
			m.pair(r, p, rule, rule == RuleReturReference)
		default:
			m.note(r, []int32{p})
		}
	}
	for _, p := range touched {
		m.claims[p] = 0
	}
}

// bulk pairs a debit with the batch of available disbursements whose
// payment reference is the line's and whose amounts add up to it exactly.
func (m *Matcher) bulk() {
	batch := func(g int32) ([]int32, int64) {
		var b []int32
		var sum int64
		for _, p := range m.group(g) {
			if m.pays[p].flags&(fPaired|fTaken) == 0 {
				b = append(b, p)
				sum += m.pays[p].amount
			}
		}
		return b, sum
	}
	claimed := map[int32][]int{}
	for r := range m.lines {
		l := &m.lines[r]
		if l.flags&lTaken != 0 || l.amount >= 0 || len(m.group(l.refG)) < 2 {
			continue // no batch: one disbursement or none has this reference
		}
		if b, sum := batch(l.refG); len(b) > 1 && sum == -l.amount {
			claimed[l.refG] = append(claimed[l.refG], r)
		}
	}
	for r := range m.lines {
		l := &m.lines[r]
		ls := claimed[l.refG]
		if l.refG < 0 || len(ls) == 0 || ls[0] != r {
			continue
		}
		b, _ := batch(l.refG)
		if len(ls) > 1 {
			for _, x := range ls {
				m.note(x, b)
			}
			continue
		}
		for _, p := range b {
			m.pairs = append(m.pairs, cpair{int32(r), p, ruleIndex(RuleBulk)})
			m.pays[p].flags |= fTaken
		}
		l.flags |= lTaken
		delete(m.cands, int32(r))
	}
}

// byWindow pairs debits with disbursements of the same amount paid within
// the window, and with the same account when withAccount. Both sides are
// sorted by amount, account and day, so each counts its candidates with
// one binary search even when thousands of disbursements share one
// amount, as BPUM's Rp2.400.000 does.
func (m *Matcher) byWindow(withAccount bool, rule string) {
	acct := func(g int32) int32 {
		if withAccount {
			return g
		}
		return 0
	}
	type key struct {
		amount int64
		acct   int32
		day    int32
	}
	cmpKey := func(a, b key) int {
		if c := cmp.Compare(a.amount, b.amount); c != 0 {
			return c
		}
		if c := cmp.Compare(a.acct, b.acct); c != 0 {
			return c
		}
		return cmp.Compare(a.day, b.day)
	}
	pkey := func(r int32) key { p := &m.pays[r]; return key{p.amount, acct(p.acctG), p.day} }
	lkey := func(r int32) key { l := &m.lines[r]; return key{-l.amount, acct(l.acctG), l.day} }
	var ps, ls []int32
	for r := range m.pays {
		if m.pays[r].flags&(fPaired|fTaken) == 0 && (!withAccount || m.pays[r].acctG >= 0) {
			ps = append(ps, int32(r))
		}
	}
	for r := range m.lines {
		l := &m.lines[r]
		if l.flags&lTaken == 0 && l.amount < 0 && (!withAccount || l.acctG >= 0) {
			ls = append(ls, int32(r))
		}
	}
	todo := slices.Clone(ls)
	slices.SortStableFunc(ps, func(a, b int32) int { return cmpKey(pkey(a), pkey(b)) })
	slices.SortStableFunc(ls, func(a, b int32) int { return cmpKey(lkey(a), lkey(b)) })
	// between is the part of xs (sorted by k) with keys from lo to hi
	between := func(xs []int32, k func(int32) key, lo, hi key) []int32 {
		i, _ := slices.BinarySearchFunc(xs, lo, func(x int32, t key) int { return cmpKey(k(x), t) })
		j, _ := slices.BinarySearchFunc(xs[i:], key{hi.amount, hi.acct, hi.day + 1}, func(x int32, t key) int { return cmpKey(k(x), t) })
		return xs[i : i+j]
	}
	for _, r := range todo {
		k := lkey(r)
		cs := between(ps, pkey, key{k.amount, k.acct, k.day - m.window}, key{k.amount, k.acct, k.day + m.window})
		if len(cs) == 0 {
			continue
		}
		if len(cs) == 1 {
			pk := pkey(cs[0])
			if len(between(ls, lkey, key{pk.amount, pk.acct, pk.day - m.window}, key{pk.amount, pk.acct, pk.day + m.window})) == 1 {
				m.pair(int(r), cs[0], rule, false)
				continue
			}
		}
		m.note(int(r), cs[:min(len(cs), MaxCandidates)])
	}
}

// returAccount pairs credits with returned disbursements of the same
// amount and account, each the other's only candidate.
func (m *Matcher) returAccount() {
	type k struct {
		amount int64
		acct   int32
	}
	pays := map[k][]int32{}
	for r := range m.pays {
		p := &m.pays[r]
		if p.flags&(fReturned|fReturPaired|fRet) == fReturned && p.acctG >= 0 {
			pays[k{p.amount, p.acctG}] = append(pays[k{p.amount, p.acctG}], int32(r))
		}
	}
	if len(pays) == 0 {
		return
	}
	claims := map[int32]int{}
	single := map[int]int32{}
	for r := range m.lines {
		l := &m.lines[r]
		if l.flags&lTaken != 0 || l.amount <= 0 || l.acctG < 0 {
			continue
		}
		cs := pays[k{l.amount, l.acctG}]
		for _, p := range cs {
			claims[p]++
		}
		switch {
		case len(cs) == 1:
			single[r] = cs[0]
		case len(cs) > 1:
			m.note(r, cs)
		}
	}
	rs := make([]int, 0, len(single))
	for r := range single {
		rs = append(rs, r)
	}
	sort.Ints(rs)
	for _, r := range rs {
		if p := single[r]; claims[p] == 1 {
			m.pair(r, p, RuleReturAccount, true)
		} else {
			m.note(r, []int32{p})
		}
	}
}

func multiWord(s string) bool {
	n := 0
	for range strings.FieldsSeq(s) {
		if n++; n > 1 {
			return true
		}
	}
	return false
}
