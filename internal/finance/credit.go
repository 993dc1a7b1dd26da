package finance

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"pilar/internal/i18n"
	"pilar/internal/money"
)

// Credit programs lend: a disbursement of a program of kind credit may carry
// loan terms (Loan), and then it has a repayment schedule, repayments that
// split into interest and principal, an outstanding principal (baki debet),
// days past due and a kolektibilitas as of any date, and an interest
// subsidy per month. Every rule of it is in this file.

// KindCredit is the program kind of loans and credit support.
const KindCredit = "credit"

// Schedule kinds: how a program's loans are repaid.
const (
	// ScheduleAnnuity is equal instalments; interest on the balance.
	ScheduleAnnuity = "annuity"
	// ScheduleFlat is principal/tenor plus interest on the original principal each month.
	ScheduleFlat = "flat"
)

// ScheduleKinds lists the schedule kinds.
var ScheduleKinds = []string{ScheduleAnnuity, ScheduleFlat}

// MaxTenorMonths is the longest tenor a loan may have (30 years).
const MaxTenorMonths = 360

// Rate is a percentage per year with at most two decimals ("6.00" is 6 %
// a year), held exactly as basis points (hundredths of a percent).
type Rate struct{ bp int64 }

// RateFromBP is the rate of bp basis points (600 is 6.00 %).
func RateFromBP(bp int64) Rate { return Rate{bp} }

var rateRe = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,2})?$`)

// ParseRate reads a yearly percentage from 0 to 100 with at most two
// decimals ("6", "6.5", "10.25"). The message says why it is refused.
func ParseRate(s string) (Rate, Msg) {
	s = strings.TrimSpace(s)
	if !rateRe.MatchString(s) {
		return Rate{}, M("must be a percentage per year from 0 to 100 with at most 2 decimals, such as 6.00")
	}
	d, _ := decimal.NewFromString(s)
	if d.GreaterThan(decimal.NewFromInt(100)) {
		return Rate{}, M("must be a percentage per year from 0 to 100 with at most 2 decimals, such as 6.00")
	}
	return Rate{d.Shift(2).IntPart()}, Msg{}
}

// BP is the rate in basis points.
func (r Rate) BP() int64 { return r.bp }

// IsZero reports whether the rate is 0 %.
func (r Rate) IsZero() bool { return r.bp == 0 }

// Decimal is the rate as a fraction (6.00 % is 0.06).
func (r Rate) Decimal() decimal.Decimal { return decimal.New(r.bp, -4) }

// String is the percentage with two decimals: "6.00".
func (r Rate) String() string { return decimal.New(r.bp, -2).StringFixed(2) }

// MarshalJSON writes the rate as a string with two decimals.
func (r Rate) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

// Value stores the rate as integer basis points.
func (r Rate) Value() (driver.Value, error) { return r.bp, nil }

// Scan reads integer basis points.
func (r *Rate) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		r.bp = 0
	case int64:
		r.bp = v
	case []byte:
		return r.scanText(string(v))
	case string:
		return r.scanText(v)
	default:
		return fmt.Errorf("finance: cannot scan %T as a rate", src)
	}
	return nil
}

func (r *Rate) scanText(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	r.bp = n
	return err
}

// Loan is the terms a disbursement of a credit program lends on; the
// principal is the disbursement's amount and the schedule kind and subsidy
// rate are the program's.
type Loan struct {
	DisbursementID int64  `json:"-" gorm:"primaryKey"`
	TenorMonths    int    `json:"tenor_months"`
	InterestRate   Rate   `json:"interest_rate"`
	FirstDueOn     string `json:"first_due_on"`
}

// LoanInput is what a client sends as a disbursement's loan terms.
type LoanInput struct {
	TenorMonths  *int       `json:"tenor_months"`
	InterestRate *money.Raw `json:"interest_rate"`
	FirstDueOn   *string    `json:"first_due_on"`
}

// NewLoan checks loan terms: a tenor of 1 to 360 months, a yearly rate of
// 0 to 100 %, and a first due date after the disbursement date. Field
// names are prefixed "loan.". Errors: validation_failed.
func NewLoan(in LoanInput, disbursedOn string) (*Loan, error) {
	f := Fields{}
	l := &Loan{}
	if in.TenorMonths == nil {
		f.Add("loan.tenor_months", "is required")
	} else if l.TenorMonths = *in.TenorMonths; l.TenorMonths < 1 || l.TenorMonths > MaxTenorMonths {
		f.Add("loan.tenor_months", "must be between 1 and %d months", MaxTenorMonths)
	}
	if in.InterestRate == nil {
		f.Add("loan.interest_rate", "is required")
	} else if r, msg := ParseRate(string(*in.InterestRate)); msg.Key != "" {
		f.AddMsg("loan.interest_rate", msg)
	} else {
		l.InterestRate = r
	}
	l.FirstDueOn = str(in.FirstDueOn)
	switch {
	case in.FirstDueOn == nil:
		f.Add("loan.first_due_on", "is required")
	case ValidDate(l.FirstDueOn) != "":
		f.Add("loan.first_due_on", ValidDate(l.FirstDueOn))
	case l.FirstDueOn <= disbursedOn:
		f.Add("loan.first_due_on", "must be after the disbursement date %s", i18n.Day(disbursedOn))
	}
	return l, f.Err()
}

// applyCredit sets a program's credit fields from in: a credit program's
// schedule kind defaults to annuity; other kinds carry none of them.
func (p *Program) applyCredit(in ProgramInput, f Fields) {
	if in.ScheduleKind != nil {
		p.ScheduleKind = str(in.ScheduleKind)
	}
	if in.SubsidyRate != nil {
		p.SubsidyRate = Rate{}
		if *in.SubsidyRate != "" {
			r, msg := ParseRate(string(*in.SubsidyRate))
			if msg.Key != "" {
				f.AddMsg("subsidy_rate", msg)
			}
			p.SubsidyRate = r
		}
	}
	if in.Revolving != nil {
		p.Revolving = *in.Revolving
	}
	if p.Kind != KindCredit {
		for field, set := range map[string]bool{"schedule_kind": p.ScheduleKind != "", "subsidy_rate": !p.SubsidyRate.IsZero(), "revolving": p.Revolving} {
			if set {
				f.Add(field, "only a credit program has this")
			}
		}
		return
	}
	if p.ScheduleKind == "" {
		p.ScheduleKind = ScheduleAnnuity
	}
	oneOf(f, "schedule_kind", p.ScheduleKind, ScheduleKinds)
}

// CheckCreditChange refuses changing how a program's loans are computed —
// its kind away from credit, or its schedule kind — once it has loans,
// whose schedules and recorded splits would then no longer agree.
// Errors: conflict.
func CheckCreditChange(before, after *Program, loans int64) error {
	if loans > 0 && (before.Kind != after.Kind || before.ScheduleKind != after.ScheduleKind) {
		return Errorf(EConflict, "program %s has %d loans; its kind and schedule kind can no longer change", before.Code, loans)
	}
	return nil
}

// CheckLoanReturn refuses returning (dana retur) a loan that has
// repayments: the borrower had the money, and the repayments would be left
// on a disbursement that counts for nothing. Errors: invalid_transition.
func CheckLoanReturn(d *Disbursement, repayments int) error {
	if d.Loan != nil && repayments > 0 {
		return Errorf(EInvalidTransition, "loan %d has %d repayments; it cannot be returned", d.ID, repayments)
	}
	return nil
}

// Instalment is one line of a repayment schedule, in sen.
type Instalment struct {
	No        int          `json:"no"`
	DueOn     string       `json:"due_on"`
	Principal money.Amount `json:"principal"`
	Interest  money.Amount `json:"interest"`
	Total     money.Amount `json:"total"`
	// Balance is the principal left after this instalment is paid.
	Balance money.Amount `json:"balance"`
}

// LoanTerms is everything a schedule is computed from.
type LoanTerms struct {
	Principal    money.Amount
	TenorMonths  int
	InterestRate Rate
	SubsidyRate  Rate
	Kind         string // ScheduleAnnuity or ScheduleFlat
	FirstDueOn   string
	// StartOn is the day the money was lent (the disbursement's paid_on,
	// else disbursed_on); subsidy runs from it.
	StartOn string
}

// TermsOf is the terms of disbursement d of program p lending on l.
func TermsOf(d *Disbursement, p *Program, l *Loan) LoanTerms {
	start := d.DisbursedOn
	if d.PaidOn != nil {
		start = *d.PaidOn
	}
	kind := p.ScheduleKind
	if kind == "" {
		kind = ScheduleAnnuity
	}
	return LoanTerms{Principal: d.Amount, TenorMonths: l.TenorMonths, InterestRate: l.InterestRate,
		SubsidyRate: p.SubsidyRate, Kind: kind, FirstDueOn: l.FirstDueOn, StartOn: start}
}

// DueDate is the due date of instalment i (0-based): the first due date's
// day of the month, i months later, or that month's last day when it is
// shorter (31 January, 29 February, 31 March).
func DueDate(first string, i int) string {
	t, err := time.Parse(dateLayout, first)
	if err != nil {
		return ""
	}
	y, m := t.Year(), int(t.Month())-1+i
	y, m = y+m/12, m%12
	last := time.Date(y, time.Month(m+2), 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(y, time.Month(m+1), min(t.Day(), last), 0, 0, 0, 0, time.UTC).Format(dateLayout)
}

// precision is the decimal places kept inside the annuity formula.
const precision = 40

// Schedule is the repayment schedule of the terms, exact to the sen.
// Annuity: the instalment is P·r/(1−(1+r)^−n) with r the yearly rate/12,
// rounded half up to the sen; each month's interest is the balance·r
// rounded half up, the principal the rest; the last instalment repays the
// balance left, so it carries the rounding difference. Flat: each month
// repays principal/n and interest principal·rate/12, both rounded down to
// the sen; the last instalment carries the differences, so that the
// interest adds up to principal·rate·n/12 rounded half up. A rate of 0 is
// principal/n a month either way.
func Schedule(t LoanTerms) []Instalment {
	n := t.TenorMonths
	if n < 1 || n > MaxTenorMonths {
		return nil
	}
	p := t.Principal.Sen()
	r := t.InterestRate.Decimal().DivRound(decimal.NewFromInt(12), precision)
	out := make([]Instalment, n)
	balance := p
	add := func(i int, prin, intr int64) {
		balance -= prin
		out[i] = Instalment{No: i + 1, DueOn: DueDate(t.FirstDueOn, i), Principal: money.FromSen(prin),
			Interest: money.FromSen(intr), Total: money.FromSen(prin + intr), Balance: money.FromSen(balance)}
	}
	bp := t.InterestRate.BP()
	if t.Kind == ScheduleFlat || r.IsZero() {
		prin := p / int64(n)
		intr := interestOf(p, bp, 1).Floor().IntPart()
		total := interestOf(p, bp, n).Round(0).IntPart()
		for i := range n - 1 {
			add(i, prin, intr)
		}
		add(n-1, balance, total-intr*int64(n-1))
		return out
	}
	f := decimal.NewFromInt(1)
	onePlus := r.Add(f)
	for range n {
		f = f.Mul(onePlus).Round(precision)
	}
	payment := decimal.NewFromInt(p).Mul(r).Mul(f).DivRound(f.Sub(decimal.NewFromInt(1)), precision).Round(0).IntPart()
	for i := range n {
		intr := interestOf(balance, bp, 1).Round(0).IntPart()
		prin := min(payment-intr, balance)
		if i == n-1 {
			prin = balance
		}
		add(i, prin, intr)
	}
	return out
}

// interestOf is sen·bp/10000·months/12: the interest on sen at bp a year
// for months, exact for rounding (its fraction is a multiple of 1/120000,
// so 16 decimals never cross a rounding boundary).
func interestOf(sen, bp int64, months int) decimal.Decimal {
	return decimal.NewFromInt(sen).Mul(decimal.NewFromInt(bp)).Mul(decimal.NewFromInt(int64(months))).DivRound(decimal.NewFromInt(120000), 16)
}

// Repayment is money a borrower paid back on a loan, split into interest
// and principal in schedule order (Ledger.Apply); Excess is paid beyond
// the whole principal and the interest due, to be refunded.
type Repayment struct {
	ID             int64        `json:"id"`
	DisbursementID int64        `json:"disbursement_id"`
	PaidOn         string       `json:"paid_on"`
	Amount         money.Amount `json:"amount"`
	Reference      string       `json:"reference"`
	Interest       money.Amount `json:"interest"`
	Principal      money.Amount `json:"principal"`
	Excess         money.Amount `json:"excess"`
	CreatedByID    int64        `json:"-"`
	CreatedBy      string       `json:"created_by" gorm:"->"`
	// CreatedByName is the name of who recorded it, for pages.
	CreatedByName string    `json:"-" gorm:"->"`
	CreatedAt     time.Time `json:"created_at"`
}

// RepaymentInput is what a client sends to record a repayment.
type RepaymentInput struct {
	PaidOn    *string    `json:"paid_on"`
	Amount    *money.Raw `json:"amount"`
	Reference *string    `json:"reference"`
}

// NewRepayment checks a repayment's fields (an amount as API.md says, a
// date not after today, a reference of at most 200 characters); the loan
// it is for is checked by Ledger.CheckRepayment. Errors: validation_failed.
func NewRepayment(in RepaymentInput, today string) (*Repayment, error) {
	f := Fields{}
	f.checkInput(in)
	r := &Repayment{PaidOn: str(in.PaidOn), Reference: str(in.Reference)}
	if in.PaidOn == nil || r.PaidOn == "" {
		r.PaidOn = today
	}
	if msg := ValidDate(r.PaidOn); msg != "" {
		f.Add("paid_on", msg)
	} else if r.PaidOn > today {
		f.Add("paid_on", "must not be after today (%s)", i18n.Day(today))
	}
	if in.Amount == nil {
		f.Add("amount", "is required")
	} else if a, err := money.Parse(string(*in.Amount)); err != nil {
		f.AddMsg("amount", AmountMsg(err))
	} else {
		r.Amount = a
	}
	CheckText(f, "reference", r.Reference, 200)
	return r, f.Err()
}

// Ledger is a loan's schedule with what has been paid of each instalment,
// built by applying repayments in date order.
type Ledger struct {
	Terms    LoanTerms
	Schedule []Instalment
	paidInt  []int64
	paidPrin []int64
	left     int64 // principal not yet repaid, sen
	last     string
	// RepaidOn is the day the whole principal was repaid, or "".
	RepaidOn string
}

// NewLedger is the ledger of a loan on t with nothing repaid.
func NewLedger(t LoanTerms) *Ledger {
	s := Schedule(t)
	return &Ledger{Terms: t, Schedule: s, paidInt: make([]int64, len(s)), paidPrin: make([]int64, len(s)), left: t.Principal.Sen()}
}

// CheckRepayment applies the rules a repayment must meet on this loan: on
// or after the day the money was lent, not before the latest repayment
// already applied (repayments are recorded in date order, so that no
// recorded split changes), and not on a loan already repaid. Errors:
// validation_failed, conflict.
func (l *Ledger) CheckRepayment(r *Repayment) error {
	if l.RepaidOn != "" {
		return Errorf(EConflict, "this loan was repaid in full on %s", i18n.Day(l.RepaidOn))
	}
	if r.PaidOn < l.Terms.StartOn {
		return FieldError("paid_on", "must not be before the loan was paid out (%s)", i18n.Day(l.Terms.StartOn))
	}
	if r.PaidOn < l.last {
		return Errorf(EConflict, "a repayment dated %s is already recorded; repayments are recorded in date order", i18n.Day(l.last))
	}
	return nil
}

// Apply splits amount paid on day on, and records it: first the interest
// and then the principal of every instalment due on or before that day, in
// schedule order; then the next instalment's interest and principal; what
// is left repays principal of later instalments ahead of time, whose
// interest is then still due as scheduled. Once the whole principal is
// repaid, no further interest is due and the loan is repaid; anything paid
// beyond that is excess.
func (l *Ledger) Apply(on string, amount money.Amount) (interest, principal, excess money.Amount) {
	left := amount.Sen()
	var intr, prin int64
	take := func(due int64, paid *int64) int64 {
		x := min(due-*paid, left)
		*paid += x
		left -= x
		return x
	}
	next := true
	for i, in := range l.Schedule {
		if left == 0 || l.left == 0 {
			break
		}
		if in.DueOn > on {
			if !next {
				x := take(in.Principal.Sen(), &l.paidPrin[i])
				prin, l.left = prin+x, l.left-x
				continue
			}
			next = false
		}
		intr += take(in.Interest.Sen(), &l.paidInt[i])
		x := take(in.Principal.Sen(), &l.paidPrin[i])
		prin, l.left = prin+x, l.left-x
	}
	if l.left == 0 && l.RepaidOn == "" && amount.Sen() > 0 {
		l.RepaidOn = on
	}
	if on > l.last {
		l.last = on
	}
	return money.FromSen(intr), money.FromSen(prin), money.FromSen(left)
}

func (l *Ledger) principalPaid() int64 {
	var n int64
	for _, p := range l.paidPrin {
		n += p
	}
	return n
}

// Payoff is what repays the loan in full on day on (pelunasan): the
// interest and principal still unpaid of every instalment due by then and
// of the next one, and the principal of the later ones — what Apply takes
// before the loan is repaid.
func (l *Ledger) Payoff(on string) money.Amount {
	if l.left == 0 {
		return money.Zero
	}
	var sen int64
	next := true
	for i, in := range l.Schedule {
		if in.DueOn > on {
			if !next {
				sen += in.Principal.Sen() - l.paidPrin[i]
				continue
			}
			next = false
		}
		sen += in.Interest.Sen() - l.paidInt[i] + in.Principal.Sen() - l.paidPrin[i]
	}
	return money.FromSen(sen)
}

// Outstanding is the principal not yet repaid (baki debet).
func (l *Ledger) Outstanding() money.Amount { return money.FromSen(l.left) }

// Maturity is the due date of the last instalment.
func (l *Ledger) Maturity() string {
	if len(l.Schedule) == 0 {
		return ""
	}
	return l.Schedule[len(l.Schedule)-1].DueOn
}

// DaysPastDue is how many days the oldest instalment due before day on is
// still not paid in full (0 when none is, or the loan is repaid). An
// instalment is late from the day after its due date.
func (l *Ledger) DaysPastDue(on string) int {
	i := l.oldestUnpaid()
	if i < 0 || l.Schedule[i].DueOn >= on {
		return 0
	}
	return daysBetween(l.Schedule[i].DueOn, on)
}

// oldestUnpaid is the index of the first instalment not paid in full, or
// -1 when every one is, or the loan is repaid.
func (l *Ledger) oldestUnpaid() int {
	if l.left == 0 {
		return -1
	}
	for i, in := range l.Schedule {
		if l.paidInt[i] < in.Interest.Sen() || l.paidPrin[i] < in.Principal.Sen() {
			return i
		}
	}
	return -1
}

func daysBetween(from, to string) int {
	a, _ := time.Parse(dateLayout, from)
	b, _ := time.Parse(dateLayout, to)
	return int(b.Sub(a).Hours() / 24)
}

// Kolektibilitas is the quality class of a loan by days past due, per POJK
// 40/2019: 1 lancar (0 days), 2 dalam perhatian khusus (1–90), 3 kurang
// lancar (91–120), 4 diragukan (121–180), 5 macet (over 180).
func Kolektibilitas(daysPastDue int) int {
	switch {
	case daysPastDue <= 0:
		return 1
	case daysPastDue <= 90:
		return 2
	case daysPastDue <= 120:
		return 3
	case daysPastDue <= 180:
		return 4
	}
	return 5
}

// KolektibilitasNames are the names of kolektibilitas 1 to 5, as messages.
var KolektibilitasNames = [6]Msg{{}, M("1 current (lancar)"), M("2 special mention (dalam perhatian khusus)"),
	M("3 substandard (kurang lancar)"), M("4 doubtful (diragukan)"), M("5 loss (macet)")}

// NonPerforming reports whether a kolektibilitas is a non-performing loan (3–5).
func NonPerforming(kol int) bool { return kol >= 3 }

// LoanPosition is a loan as of a day.
type LoanPosition struct {
	AsOf           string       `json:"as_of"`
	Outstanding    money.Amount `json:"outstanding"`
	PrincipalPaid  money.Amount `json:"principal_repaid"`
	InterestPaid   money.Amount `json:"interest_repaid"`
	DaysPastDue    int          `json:"days_past_due"`
	Kolektibilitas int          `json:"kolektibilitas"`
	// Payoff is what would repay the loan in full that day.
	Payoff   money.Amount `json:"payoff"`
	Maturity string       `json:"maturity"`
	RepaidOn string       `json:"repaid_on"`
}

// Position is the loan as of day on, from l's repayments paid on or before
// it (repayments must be sorted by date; later ones are ignored). Before
// the money was lent there is nothing outstanding.
func Position(t LoanTerms, repayments []Repayment, on string) LoanPosition {
	l := NewLedger(t)
	var interest int64
	for _, r := range repayments {
		if r.PaidOn > on {
			break
		}
		i, _, _ := l.Apply(r.PaidOn, r.Amount)
		interest += i.Sen()
	}
	p := LoanPosition{AsOf: on, Maturity: l.Maturity(), RepaidOn: l.RepaidOn, InterestPaid: money.FromSen(interest),
		PrincipalPaid: money.FromSen(l.principalPaid())}
	if on >= t.StartOn {
		p.Outstanding = l.Outstanding()
		p.DaysPastDue = l.DaysPastDue(on)
		p.Payoff = l.Payoff(on)
	}
	p.Kolektibilitas = Kolektibilitas(p.DaysPastDue)
	return p
}

// SubsidyFor is the interest subsidy of the loan for the days from through
// to (inclusive): subsidy rate × outstanding × days / 360, summed over each
// day on which the loan is current — lent, not past maturity, not
// kolektibilitas 5, and not repaid — on that day's closing outstanding, so
// it stops on the day the loan is repaid; rounded half up to the sen once.
func SubsidyFor(t LoanTerms, repayments []Repayment, from, to string) money.Amount {
	var senDays int64
	currentDays(t, repayments, from, to, func(_ string, sen int64) { senDays += sen })
	return subsidyOf(senDays, t.SubsidyRate)
}

// SubsidyByMonth is SubsidyFor of each calendar month ("2024-07") from the
// loan's start to day to (the last month cut at to), each month rounded on
// its own; months without subsidy are left out.
func SubsidyByMonth(t LoanTerms, repayments []Repayment, to string) map[string]money.Amount {
	senDays := map[string]int64{}
	currentDays(t, repayments, t.StartOn, to, func(month string, sen int64) { senDays[month] += sen })
	out := make(map[string]money.Amount, len(senDays))
	for m, n := range senDays {
		if s := subsidyOf(n, t.SubsidyRate); !s.IsZero() {
			out[m] = s
		}
	}
	return out
}

func subsidyOf(senDays int64, rate Rate) money.Amount {
	sen := decimal.NewFromInt(senDays).Mul(decimal.NewFromInt(rate.bp)).Div(decimal.NewFromInt(360 * 10000)).Round(0)
	return money.FromSen(sen.IntPart())
}

// currentDays calls fn with the month ("2024-07") of each day from through
// to on which the loan is current (see SubsidyFor) and that day's closing
// outstanding in sen. It walks the days once, applying each repayment on
// its day, with dates as day numbers: the credit report calls it for every
// loan (docs/BENCHMARKS.md).
func currentDays(t LoanTerms, repayments []Repayment, from, to string, fn func(month string, sen int64)) {
	if t.SubsidyRate.IsZero() {
		return
	}
	l := NewLedger(t)
	if from < t.StartOn {
		from = t.StartOn
	}
	if m := l.Maturity(); to > m {
		to = m
	}
	start, err1 := time.Parse(dateLayout, from)
	end, err2 := time.Parse(dateLayout, to)
	if err1 != nil || err2 != nil {
		return
	}
	due := make([]int64, len(l.Schedule))
	for i, in := range l.Schedule {
		due[i] = dayNumber(in.DueOn)
	}
	paid := make([]int64, len(repayments))
	for i, r := range repayments {
		paid[i] = dayNumber(r.PaidOn)
	}
	next, oldest, month := 0, l.oldestUnpaid(), ""
	for day, n := start, dayNumber(from); !day.After(end); day, n = day.AddDate(0, 0, 1), n+1 {
		if month == "" || day.Day() == 1 {
			month = day.Format("2006-01")
		}
		if next < len(repayments) && paid[next] <= n {
			for ; next < len(repayments) && paid[next] <= n; next++ {
				l.Apply(repayments[next].PaidOn, repayments[next].Amount)
			}
			oldest = l.oldestUnpaid()
		}
		if l.left == 0 {
			return
		}
		// Kolektibilitas 5 is over 180 days past due (DaysPastDue, Kolektibilitas).
		if oldest < 0 || due[oldest] >= n || Kolektibilitas(int(n-due[oldest])) < 5 {
			fn(month, l.left)
		}
	}
}

// dayNumber is a YYYY-MM-DD date as days since 1 January 1970.
func dayNumber(s string) int64 {
	d, _ := time.Parse(dateLayout, s)
	return d.Unix() / 86400
}

// CreditService records repayments and reads loans.
type CreditService interface {
	// FindSchedule returns a loan's terms, schedule, repayments and position
	// as of today. Errors: unauthorized, forbidden, not_found (also: not a loan).
	FindSchedule(ctx context.Context, disbursementID int64) (*LoanView, error)
	// FindRepayments lists a loan's repayments by date. Errors: as FindSchedule.
	FindRepayments(ctx context.Context, disbursementID int64) ([]Repayment, error)
	// RecordRepayment records one repayment on a paid loan. Errors:
	// unauthorized, forbidden, not_found, validation_failed, conflict.
	RecordRepayment(ctx context.Context, disbursementID int64, in RepaymentInput) (*Repayment, error)
}

// LoanView is a loan as a page or the API shows it.
type LoanView struct {
	DisbursementID int64        `json:"disbursement_id"`
	Program        string       `json:"program"`
	Principal      money.Amount `json:"principal"`
	ScheduleKind   string       `json:"schedule_kind"`
	SubsidyRate    Rate         `json:"subsidy_rate"`
	Loan
	Schedule   []Instalment `json:"schedule"`
	Repayments []Repayment  `json:"repayments"`
	Position   LoanPosition `json:"position"`
}
