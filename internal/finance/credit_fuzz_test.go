package finance

import (
	"testing"

	"github.com/shopspring/decimal"

	"pilar/internal/money"
)

// FuzzSchedule checks every schedule adds up: the principal repaid is the
// loan's, to the sen; no line is negative; the balance falls to 0 at the
// last instalment; a flat schedule's interest is principal·rate·n/12.
func FuzzSchedule(f *testing.F) {
	f.Add(int64(1000000000), 3, int64(1200), false)
	f.Add(int64(100000000), 7, int64(950), true)
	f.Add(int64(1), 360, int64(10000), false)
	f.Add(int64(100), 360, int64(600), false)
	f.Fuzz(func(t *testing.T, sen int64, tenor int, bp int64, flat bool) {
		if sen <= 0 || sen > money.Max.Shift(2).IntPart() || tenor < 1 || tenor > MaxTenorMonths || bp < 0 || bp > 10000 {
			return
		}
		kind := ScheduleAnnuity
		if flat {
			kind = ScheduleFlat
		}
		tm := LoanTerms{Principal: money.FromSen(sen), TenorMonths: tenor, InterestRate: RateFromBP(bp), Kind: kind, FirstDueOn: "2024-01-31"}
		s := Schedule(tm)
		if len(s) != tenor {
			t.Fatalf("%d instalments for %d months", len(s), tenor)
		}
		var prin, intr int64
		balance := sen
		for i, in := range s {
			if in.Principal.IsNegative() || in.Interest.IsNegative() || in.Total.Sen() != in.Principal.Sen()+in.Interest.Sen() {
				t.Fatalf("instalment %d: %+v", i+1, in)
			}
			balance -= in.Principal.Sen()
			if in.Balance.Sen() != balance || balance < 0 {
				t.Fatalf("instalment %d: balance %s, want %d sen", i+1, in.Balance, balance)
			}
			if i > 0 && in.DueOn <= s[i-1].DueOn {
				t.Fatalf("instalment %d due %s after %s", i+1, in.DueOn, s[i-1].DueOn)
			}
			prin += in.Principal.Sen()
			intr += in.Interest.Sen()
		}
		if prin != sen || balance != 0 {
			t.Fatalf("principal %d sen of %d", prin, sen)
		}
		if flat {
			want := money.FromSen(sen).Decimal().Shift(2).Mul(RateFromBP(bp).Decimal()).Mul(decimalInt(tenor)).Div(decimalInt(12)).Round(0).IntPart()
			if intr != want {
				t.Fatalf("flat interest %d sen, want %d", intr, want)
			}
		}
	})
}

// FuzzLedger applies repayments and checks each splits exactly (interest +
// principal + excess = amount), never repays more principal than was
// lent, and that a repaid loan is 0 days past due.
func FuzzLedger(f *testing.F) {
	f.Add(int64(1000000000), 3, int64(1200), int64(340022111), int64(500000000), uint8(10), uint8(40))
	f.Add(int64(100000), 12, int64(0), int64(1), int64(100000000), uint8(0), uint8(200))
	f.Fuzz(func(t *testing.T, sen int64, tenor int, bp, a, b int64, da, db uint8) {
		if sen <= 0 || sen > 1e15 || tenor < 1 || tenor > 60 || bp < 0 || bp > 10000 || a <= 0 || b <= 0 || a > 1e17 || b > 1e17 {
			return
		}
		tm := LoanTerms{Principal: money.FromSen(sen), TenorMonths: tenor, InterestRate: RateFromBP(bp), Kind: ScheduleAnnuity,
			FirstDueOn: "2024-02-10", StartOn: "2024-01-10"}
		l := NewLedger(tm)
		var repaid int64
		for _, r := range []struct {
			day uint8
			sen int64
		}{{da, a}, {da + db, b}} {
			on := DueDate("2024-01-10", int(r.day)/28)
			i, p, e := l.Apply(on, money.FromSen(r.sen))
			if i.IsNegative() || p.IsNegative() || e.IsNegative() || i.Sen()+p.Sen()+e.Sen() != r.sen {
				t.Fatalf("%d sen on %s split %s + %s + %s", r.sen, on, i, p, e)
			}
			repaid += p.Sen()
		}
		if repaid > sen || l.Outstanding().Sen() != sen-repaid {
			t.Fatalf("repaid %d sen of %d, outstanding %s", repaid, sen, l.Outstanding())
		}
		if l.RepaidOn != "" && l.DaysPastDue("2030-01-01") != 0 {
			t.Fatal("a repaid loan is past due")
		}
		// Paying the payoff repays the loan, with nothing in excess.
		if l.RepaidOn == "" {
			on := DueDate("2024-01-10", int(da+db)/28)
			payoff := l.Payoff(on)
			if _, _, e := l.Apply(on, payoff); !e.IsZero() || !l.Outstanding().IsZero() {
				t.Fatalf("payoff %s on %s leaves %s outstanding, %s excess", payoff, on, l.Outstanding(), e)
			}
		}
	})
}

// FuzzParseRate checks that an accepted rate is 0 to 100 % and reads back
// as itself.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"6", "6.50", "100", "100.01", "-1", "1e2", " 7.25 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, msg := ParseRate(s)
		if msg.Key != "" {
			return
		}
		if r.BP() < 0 || r.BP() > 10000 {
			t.Fatalf("%q read as %d bp", s, r.BP())
		}
		if again, msg := ParseRate(r.String()); msg.Key != "" || again != r {
			t.Fatalf("%q read as %s, which reads as %s %v", s, r, again, msg)
		}
	})
}

func decimalInt(n int) decimal.Decimal { return decimal.NewFromInt(int64(n)) }

// FuzzNewLoan checks that accepted loan terms are within the rules and
// that anything else is refused with a field message, never a panic.
func FuzzNewLoan(f *testing.F) {
	f.Add(12, "6", "2024-02-10", "2024-01-10")
	f.Add(0, "6.001", "2024-01-10", "2024-01-10")
	f.Add(361, "100.00", "2024-02-30", "2024-01-10")
	f.Fuzz(func(t *testing.T, tenor int, rate, due, disbursed string) {
		r := money.Raw(rate)
		l, err := NewLoan(LoanInput{TenorMonths: &tenor, InterestRate: &r, FirstDueOn: &due}, disbursed)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Code != EValidation || len(e.Fields) == 0 {
				t.Fatalf("refused without a field: %v", err)
			}
			return
		}
		if l.TenorMonths < 1 || l.TenorMonths > MaxTenorMonths || l.InterestRate.BP() < 0 || l.InterestRate.BP() > 10000 ||
			ValidDate(l.FirstDueOn) != "" || l.FirstDueOn <= disbursed {
			t.Fatalf("accepted %+v for %q", l, disbursed)
		}
	})
}

// FuzzNewRepayment checks that an accepted repayment has a positive
// amount and a date not after today.
func FuzzNewRepayment(f *testing.F) {
	f.Add("2024-02-10", "3400221.11", "TRX-1")
	f.Add("", "-1", "")
	f.Add("2999-01-01", "1e3", "\x00")
	f.Fuzz(func(t *testing.T, on, amount, ref string) {
		a := money.Raw(amount)
		r, err := NewRepayment(RepaymentInput{PaidOn: &on, Amount: &a, Reference: &ref}, "2026-12-02")
		if err != nil {
			if ErrorCode(err) != EValidation {
				t.Fatalf("refused as %v", err)
			}
			return
		}
		if r.Amount.Sen() <= 0 || ValidDate(r.PaidOn) != "" || r.PaidOn > "2026-12-02" {
			t.Fatalf("accepted %+v", r)
		}
	})
}
