package recon

import (
	"cmp"
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

// matcher holds the state of one Match run in flat arrays indexed by a
// payment's or line's rank by id, so a million of each fit in little
// memory: no per-item allocation beyond the normalised strings.
type matcher struct {
	pays    []Payment
	lines   []BankLine
	pOrder  []int32 // payment indexes by id
	lOrder  []int32 // line indexes by id
	pRef    []string
	pAcct   []string
	pDay    []int32
	pTaken  []bool // paired with a debit line in this run
	pRet    []bool // paired with a credit line in this run
	lRef    []string
	lAcct   []string
	lDay    []int32
	lTaken  []bool
	refHead map[string]int32 // first payment (by id) with a reference
	refNext []int32          // the next payment with the same reference, -1 at the end
	window  int32
	pairs   []Pair
	cands   map[int64][]int64 // candidates of lines left open, for Ambiguous
	claims  []int32
	buf     []int32
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
	m := &matcher{pays: payments, lines: lines, window: int32(windowDays), cands: map[int64][]int64{}}
	m.pOrder = order(len(payments), func(i int) int64 { return payments[i].ID })
	m.lOrder = order(len(lines), func(i int) int64 { return lines[i].ID })
	np, nl := len(payments), len(lines)
	m.pRef, m.pAcct, m.pDay = make([]string, np), make([]string, np), make([]int32, np)
	m.pTaken, m.pRet, m.claims = make([]bool, np), make([]bool, np), make([]int32, np)
	m.refNext, m.refHead = make([]int32, np), make(map[string]int32, np)
	for r := np - 1; r >= 0; r-- { // chains in id order
		p := &payments[m.pOrder[r]]
		m.pRef[r], m.pAcct[r] = NormalizeRef(p.Ref), NormalizeAccount(p.Account)
		d, ok := Day(p.PaidOn)
		if !ok {
			d = -1 << 30
		}
		m.pDay[r] = d
		m.refNext[r] = -1
		if m.pRef[r] != "" {
			if h, ok := m.refHead[m.pRef[r]]; ok {
				m.refNext[r] = h
			}
			m.refHead[m.pRef[r]] = int32(r)
		}
	}
	m.lRef, m.lAcct, m.lDay, m.lTaken = make([]string, nl), make([]string, nl), make([]int32, nl), make([]bool, nl)
	for r := 0; r < nl; r++ {
		l := &lines[m.lOrder[r]]
		m.lRef[r], m.lAcct[r] = NormalizeRef(l.Ref), NormalizeAccount(l.Account)
		m.lDay[r], _ = Day(l.BookingDate)
	}
	debit := func(r int) bool { return m.line(r).AmountSen < 0 }
	credit := func(r int) bool { return m.line(r).AmountSen > 0 }
	avail := func(r int32) bool { return !m.pay(r).Paired && !m.pTaken[r] }
	retAvail := func(r int32) bool { p := m.pay(r); return p.ReturnedOn != "" && !p.ReturPaired && !m.pRet[r] }

	m.byReference(debit, avail, true, RuleReference)
	m.bulk()
	m.byReference(debit, avail, false, RuleAmountMismatch)
	m.byWindow(true, RuleAccountDate)
	m.byWindow(false, RuleProbable)
	m.byReference(credit, retAvail, true, RuleReturReference)
	m.returAccount()

	var amb []Ambiguous
	for r := 0; r < nl; r++ {
		id := m.line(r).ID
		if c := m.cands[id]; !m.lTaken[r] && len(c) > 0 {
			amb = append(amb, Ambiguous{LineID: id, Candidates: c})
		}
	}
	return Result{Pairs: m.pairs, Ambiguous: amb}
}

func order(n int, id func(int) int64) []int32 {
	o := make([]int32, n)
	sorted := true
	for i := range o {
		o[i] = int32(i)
		sorted = sorted && (i == 0 || id(i-1) <= id(i))
	}
	if !sorted {
		slices.SortFunc(o, func(a, b int32) int { return cmp.Compare(id(int(a)), id(int(b))) })
	}
	return o
}

func (m *matcher) pay(r int32) *Payment { return &m.pays[m.pOrder[r]] }
func (m *matcher) line(r int) *BankLine { return &m.lines[m.lOrder[r]] }

// note keeps up to MaxCandidates candidates of a line that stays open.
func (m *matcher) note(r int, cs []int32) {
	id := m.line(r).ID
	have := m.cands[id]
	for _, c := range cs {
		if len(have) >= MaxCandidates {
			break
		}
		pid := m.pay(c).ID
		if !slices.Contains(have, pid) {
			have = append(have, pid)
		}
	}
	m.cands[id] = have
}

func (m *matcher) pair(r int, p int32, rule string, retur bool) {
	l := m.line(r)
	pr := Pair{LineID: l.ID, DisbursementID: m.pay(p).ID, Rule: rule}
	if rule == RuleAmountMismatch {
		pr.DifferenceSen = -l.AmountSen - m.pay(p).AmountSen
	}
	m.pairs = append(m.pairs, pr)
	m.lTaken[r] = true
	if retur {
		m.pRet[p] = true
	} else {
		m.pTaken[p] = true
	}
	delete(m.cands, l.ID)
}

// candidatesByRef collects into m.buf the available payments a line's
// reference names: its reference first, and only when that names none,
// the reference-like words of its reference and (withDescription) its
// description — banks often put the payment reference in free text.
func (m *matcher) candidatesByRef(r int, avail func(int32) bool, sameAmount, withDescription bool) []int32 {
	l := m.line(r)
	amount := l.AmountSen
	if amount < 0 {
		amount = -amount
	}
	m.buf = m.buf[:0]
	add := func(key string) {
		for p, ok := m.refHead[key]; ok && p >= 0; p = m.refNext[p] {
			if !avail(p) || sameAmount != (m.pay(p).AmountSen == amount) || slices.Contains(m.buf, p) {
				continue
			}
			m.buf = append(m.buf, p)
			if len(m.buf) > MaxCandidates {
				return
			}
		}
	}
	if m.lRef[r] != "" {
		add(m.lRef[r])
	}
	if len(m.buf) > 0 {
		return m.buf
	}
	words := strings.Fields(l.Ref)
	if withDescription {
		words = append(words, strings.Fields(l.Description)...)
	}
	if len(words) > 1 || withDescription {
		for _, w := range words {
			if len(w) >= 5 && strings.ContainsAny(w, "0123456789") {
				if k := NormalizeRef(w); k != m.lRef[r] {
					add(k)
				}
			}
		}
	}
	return m.buf
}

// byReference pairs lines whose reference names a disbursement; sameAmount
// asks for equal amounts (reference, retur_reference), else for different
// ones on a reference that names one disbursement only (amount_mismatch).
func (m *matcher) byReference(side func(int) bool, avail func(int32) bool, sameAmount bool, rule string) {
	single := make([]int32, len(m.lTaken)) // the one candidate of each line, or -1
	for r := range single {
		single[r] = -1
	}
	var touched []int32
	for r := range m.lTaken {
		if m.lTaken[r] || !side(r) {
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
		if len(cs) == 1 && (sameAmount || m.refNext[m.refHead[m.pRef[cs[0]]]] < 0) {
			single[r] = cs[0]
		} else {
			m.note(r, cs)
		}
	}
	for r, p := range single {
		switch {
		case p < 0 || m.lTaken[r]:
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
func (m *matcher) bulk() {
	batch := func(k string) ([]int32, int64) {
		var b []int32
		var sum int64
		for p, ok := m.refHead[k]; ok && p >= 0; p = m.refNext[p] {
			if !m.pay(p).Paired && !m.pTaken[p] {
				b = append(b, p)
				sum += m.pay(p).AmountSen
			}
		}
		return b, sum
	}
	claimed := map[string][]int{}
	for r := range m.lTaken {
		k := m.lRef[r]
		if m.lTaken[r] || m.line(r).AmountSen >= 0 || k == "" {
			continue
		}
		if h, ok := m.refHead[k]; !ok || m.refNext[h] < 0 {
			continue // no batch: one disbursement or none has this reference
		}
		if b, sum := batch(k); len(b) > 1 && sum == -m.line(r).AmountSen {
			claimed[k] = append(claimed[k], r)
		}
	}
	for r := range m.lTaken {
		ls := claimed[m.lRef[r]]
		if len(ls) == 0 || ls[0] != r {
			continue
		}
		b, _ := batch(m.lRef[r])
		if len(ls) > 1 {
			for _, x := range ls {
				m.note(x, b)
			}
			continue
		}
		for _, p := range b {
			m.pairs = append(m.pairs, Pair{LineID: m.line(r).ID, DisbursementID: m.pay(p).ID, Rule: RuleBulk})
			m.pTaken[p] = true
		}
		m.lTaken[r] = true
		delete(m.cands, m.line(r).ID)
	}
}

type windowKey struct {
	amount int64
	acct   uint64 // a hash of the account; 0 when the rule ignores it
	day    int32
}

func hashAccount(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h | 1
}

// byWindow pairs debits with disbursements of the same amount paid within
// the window, and with the same account when withAccount. Counts per
// amount and day (and account) let each side count its candidates in
// O(window) even when thousands of disbursements share one amount, as
// BPUM's Rp2.400.000 does.
func (m *matcher) byWindow(withAccount bool, rule string) {
	key := func(amount int64, acct string, day int32) windowKey {
		if !withAccount {
			return windowKey{amount, 0, day}
		}
		return windowKey{amount, hashAccount(acct), day}
	}
	head := map[windowKey]int32{}
	next := make([]int32, len(m.pays))
	for r := int32(len(m.pays)) - 1; r >= 0; r-- {
		next[r] = -1
		if m.pay(r).Paired || m.pTaken[r] || (withAccount && m.pAcct[r] == "") {
			continue
		}
		k := key(m.pay(r).AmountSen, m.pAcct[r], m.pDay[r])
		if h, ok := head[k]; ok {
			next[r] = h
		}
		head[k] = r
	}
	lineDay := map[windowKey]int32{}
	var todo []int
	for r := range m.lTaken {
		l := m.line(r)
		if m.lTaken[r] || l.AmountSen >= 0 || (withAccount && m.lAcct[r] == "") {
			continue
		}
		lineDay[key(-l.AmountSen, m.lAcct[r], m.lDay[r])]++
		todo = append(todo, r)
	}
	for _, r := range todo {
		l := m.line(r)
		m.buf = m.buf[:0]
		n := 0
		for d := m.lDay[r] - m.window; d <= m.lDay[r]+m.window; d++ {
			for p, ok := head[key(-l.AmountSen, m.lAcct[r], d)]; ok && p >= 0; p = next[p] {
				if withAccount && m.pAcct[p] != m.lAcct[r] {
					continue
				}
				n++
				if len(m.buf) < MaxCandidates {
					m.buf = append(m.buf, p)
				}
			}
		}
		if n == 0 {
			continue
		}
		if n == 1 {
			p := m.buf[0]
			var claims int32
			for d := m.pDay[p] - m.window; d <= m.pDay[p]+m.window; d++ {
				claims += lineDay[key(m.pay(p).AmountSen, m.pAcct[p], d)]
			}
			if claims == 1 {
				m.pair(r, p, rule, false)
				continue
			}
		}
		m.note(r, m.buf)
	}
}

// returAccount pairs credits with returned disbursements of the same
// amount and account, each the other's only candidate.
func (m *matcher) returAccount() {
	type k struct {
		amount int64
		acct   string
	}
	pays := map[k][]int32{}
	for r := range m.pays {
		p := m.pay(int32(r))
		if p.ReturnedOn != "" && !p.ReturPaired && !m.pRet[r] && m.pAcct[r] != "" {
			pays[k{p.AmountSen, m.pAcct[r]}] = append(pays[k{p.AmountSen, m.pAcct[r]}], int32(r))
		}
	}
	if len(pays) == 0 {
		return
	}
	claims := map[int32]int{}
	single := map[int]int32{}
	for r := range m.lTaken {
		l := m.line(r)
		if m.lTaken[r] || l.AmountSen <= 0 || m.lAcct[r] == "" {
			continue
		}
		cs := pays[k{l.AmountSen, m.lAcct[r]}]
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
