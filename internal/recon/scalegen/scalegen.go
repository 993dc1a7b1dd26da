// Package scalegen generates a paying account at scale for the
// reconciliation benchmarks: N paid disbursements and about N statement
// lines, with the truth of which line paid which disbursement. It is
// deterministic (seeded by N) and compact — a few numbers per item, the
// strings made when asked for — so generating a million of each does not
// weigh on the memory being measured.
package scalegen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"pilar/internal/recon"
)

// Line kinds.
const (
	Exact         = iota // the exact reference and the account
	Mangled              // a mangled reference (case, spaces, hyphens, REF prefix)
	InDescription        // the reference only in the description
	AccountOnly          // no reference, the counterparty account
	Blank                // nothing to go by but amount and date
	Fee                  // the reference, the amount plus a BI-FAST fee of Rp2.500
	Bulk                 // one SP2D-LS line paying a batch of five
	Unrelated            // fees, interest: pays no disbursement
)

var kindNames = []string{"exact", "mangled", "in_description", "account_only", "blank", "fee", "bulk", "unrelated"}

type pay struct {
	amount int64
	day    int32 // days from 2024-01-01
	acct   int32 // the recipient: account 1000000000+acct
	batch  int32 // the first disbursement of its batch, or -1
}

type line struct {
	amount int64
	pay    int32 // the disbursement (index) it pays, the batch's first for Bulk, -1
	day    int32
	kind   uint8
	mangle uint8
}

// World is a generated paying account. Disbursement i (0-based) has id
// i+1; line j has id j+1.
type World struct {
	pays    []pay
	lines   []line
	Missing int // disbursements paid without a line
}

var base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Generate builds a world from n. Lines: 88% exact reference, 4% mangled
// reference, 1% reference only in the description, 3% blank reference
// with the account, 1% blank with nothing (probable at best), 1% with a
// BI-FAST fee, 2% missing (no line); every 1000th run of five disbursements
// is paid by one bulk line; n/50 unrelated lines. Dates are shifted 0-3
// days. 5% of recipients are paid twice, 60 days apart, the same amount to
// the same account. The bank's order is shuffled.
func Generate(n int) *World {
	r := rand.New(rand.NewPCG(11, uint64(n)))
	w := &World{pays: make([]pay, 0, n), lines: make([]line, 0, n+n/50)}
	amounts := []int64{240000000, 240000000, 240000000, 120000000, 500000000, 175000000}
	for i := 0; i < n; i++ {
		p := pay{amount: amounts[r.IntN(len(amounts))], acct: int32(i), day: int32(r.IntN(300)), batch: -1}
		if i > 0 && r.IntN(100) < 5 { // tranche 2 of an earlier recipient
			prev := w.pays[r.IntN(len(w.pays))]
			p.amount, p.acct, p.day = prev.amount, prev.acct, prev.day+60
		}
		w.pays = append(w.pays, p)
	}
	for s := 500; s+5 <= n; s += 1000 {
		var sum int64
		for k := s; k < s+5; k++ {
			w.pays[k].batch, w.pays[k].day = int32(s), w.pays[s].day
			sum += w.pays[k].amount
		}
		w.lines = append(w.lines, line{amount: -sum, pay: int32(s), day: w.pays[s].day, kind: Bulk})
	}
	for i, p := range w.pays {
		if p.batch >= 0 {
			continue
		}
		l := line{amount: -p.amount, pay: int32(i), day: p.day + int32(r.IntN(4))}
		switch x := r.IntN(100); {
		case x < 88:
			l.kind = Exact
		case x < 92:
			l.kind, l.mangle = Mangled, uint8(r.IntN(4))
		case x < 93:
			l.kind = InDescription
		case x < 96:
			l.kind = AccountOnly
		case x < 97:
			l.kind = Blank
		case x < 98:
			l.kind, l.amount = Fee, -p.amount-250000
		default:
			w.Missing++
			continue
		}
		w.lines = append(w.lines, l)
	}
	for k := 0; k < n/50; k++ {
		day := int32(r.IntN(300))
		w.lines = append(w.lines, line{day: day, amount: -int64(1000+r.IntN(500000)) * 100, pay: -1, kind: Unrelated})
	}
	r.Shuffle(len(w.lines), func(i, j int) { w.lines[i], w.lines[j] = w.lines[j], w.lines[i] })
	return w
}

// Payments and Lines count the disbursements and lines.
func (w *World) Payments() int { return len(w.pays) }
func (w *World) Lines() int    { return len(w.lines) }

func date(d int32) string { return base.AddDate(0, 0, int(d)).Format("2006-01-02") }

// Account is recipient a's account number.
func Account(a int32) string { return fmt.Sprintf("%010d", 1000000000+int(a)) }

func (w *World) ref(i int32) string {
	if b := w.pays[i].batch; b >= 0 {
		return fmt.Sprintf("SP2D-LS-%05d", b)
	}
	return fmt.Sprintf("BPUM-2024-%07d", i+1)
}

// Payment is disbursement i (0-based), as paid.
func (w *World) Payment(i int) recon.Payment {
	p := w.pays[i]
	return recon.Payment{ID: int64(i + 1), AmountSen: p.amount, PaidOn: date(p.day), Ref: w.ref(int32(i)), Account: Account(p.acct)}
}

// Recipient is the recipient (0-based) disbursement i pays; a tranche 2
// pays an earlier recipient again.
func (w *World) Recipient(i int) int32 { return w.pays[i].acct }

// Line is line j (0-based) in the bank's order.
func (w *World) Line(j int) recon.BankLine {
	l := w.lines[j]
	out := recon.BankLine{ID: int64(j + 1), BookingDate: date(l.day), AmountSen: l.amount}
	if l.pay < 0 {
		out.Description = "BIAYA ADMIN"
		return out
	}
	ref, acct := w.ref(l.pay), Account(w.pays[l.pay].acct)
	switch l.kind {
	case Exact:
		out.Ref, out.Account = ref, acct
	case Mangled:
		out.Ref = Mangle(l.mangle, ref)
	case InDescription:
		out.Description = "TRF KE " + acct + " " + ref + " BANTUAN"
	case AccountOnly:
		out.Account = acct
	case Fee, Bulk:
		out.Ref = ref
	}
	return out
}

// Mangle writes a reference as people and banks do, in one of four ways
// (k modulo 4): lower case, spaces for hyphens, a "REF " prefix, or "No. "
// without its hyphens. recon.NormalizeRef undoes each.
func Mangle(k uint8, ref string) string {
	k %= 4
	switch k {
	case 0:
		return strings.ToLower(ref)
	case 1:
		return strings.ReplaceAll(ref, "-", " ")
	case 2:
		return "REF " + ref
	}
	return "No. " + strings.ReplaceAll(ref, "-", "")
}

// Kinds counts the lines by kind, and the missing ones.
func (w *World) Kinds() map[string]int {
	out := map[string]int{"missing": w.Missing}
	for _, l := range w.lines {
		out[kindNames[l.kind]]++
	}
	return out
}

// Matchable reports whether line j carries what a matcher can go by: a
// reference (exact, mangled, in the description, a batch's) or the account.
func (w *World) Matchable(j int) bool {
	switch w.lines[j].kind {
	case Exact, Mangled, InDescription, AccountOnly, Bulk:
		return true
	}
	return false
}

// Pays reports whether line j truly pays disbursement i (0-based) with
// its amount (a fee line is an amount mismatch, never a match).
func (w *World) Pays(j, i int) bool {
	l := w.lines[j]
	switch {
	case l.pay < 0 || l.kind == Fee:
		return false
	case l.kind == Bulk:
		return i >= int(l.pay) && i < int(l.pay)+5
	}
	return i == int(l.pay)
}

// Mismatch reports whether line j is the fee line of disbursement i.
func (w *World) Mismatch(j, i int) bool { l := w.lines[j]; return l.kind == Fee && int(l.pay) == i }

// Score counts a method's pairs against the truth.
type Score struct {
	Pairs, Wrong, LinesMatched, Matchable, MismatchRight, MismatchWrong int
	matched                                                             []bool
	w                                                                   *World
}

// NewScore starts counting.
func (w *World) NewScore() *Score {
	s := &Score{w: w, matched: make([]bool, len(w.lines))}
	for j := range w.lines {
		if w.Matchable(j) {
			s.Matchable++
		}
	}
	return s
}

// Add counts a pair of line id and disbursement id.
func (s *Score) Add(lineID, disbursementID int64) {
	j, i := int(lineID-1), int(disbursementID-1)
	s.Pairs++
	if !s.w.Pays(j, i) {
		s.Wrong++
		return
	}
	if s.w.Matchable(j) && !s.matched[j] {
		s.matched[j] = true
		s.LinesMatched++
	}
}

// AddMismatch counts an amount mismatch of line id and disbursement id.
func (s *Score) AddMismatch(lineID, disbursementID int64) {
	if s.w.Mismatch(int(lineID-1), int(disbursementID-1)) {
		s.MismatchRight++
	} else {
		s.MismatchWrong++
	}
}

// Precision is the share of pairs that are right.
func (s *Score) Precision() float64 {
	if s.Pairs == 0 {
		return 1
	}
	return float64(s.Pairs-s.Wrong) / float64(s.Pairs)
}

// Recall is the share of matchable lines matched.
func (s *Score) Recall() float64 { return float64(s.LinesMatched) / float64(s.Matchable) }

func (s *Score) String() string {
	return fmt.Sprintf("%d pairs, wrong %d, precision %.5f, recall %.5f of %d matchable, mismatches right %d wrong %d",
		s.Pairs, s.Wrong, s.Precision(), s.Recall(), s.Matchable, s.MismatchRight, s.MismatchWrong)
}
