package finance

import (
	"testing"
	"time"

	"pilar/internal/money"
)

func amt(t *testing.T, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func terms(t *testing.T, principal string, tenor int, rateBP int64, kind string) LoanTerms {
	return LoanTerms{Principal: amt(t, principal), TenorMonths: tenor, InterestRate: RateFromBP(rateBP),
		SubsidyRate: RateFromBP(600), Kind: kind, FirstDueOn: "2024-02-10", StartOn: "2024-01-10"}
}

// checkSchedule compares a schedule with lines of principal, interest, total, balance.
func checkSchedule(t *testing.T, got []Instalment, want [][4]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d instalments, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Principal.String() != w[0] || g.Interest.String() != w[1] || g.Total.String() != w[2] || g.Balance.String() != w[3] {
			t.Errorf("instalment %d: %s + %s = %s, balance %s; want %v", i+1, g.Principal, g.Interest, g.Total, g.Balance, w)
		}
	}
}

func TestSchedule(t *testing.T) {
	t.Run("Annuity", func(t *testing.T) {
		// Rp10.000.000 over 3 months at 12 % a year: r = 1 % a month, the
		// instalment 10.000.000·0,01·1,030301/0,030301 = 3.400.221,11; the
		// interest of each month is the balance·1 % rounded half up, and
		// the last repays the balance, 2 sen more.
		checkSchedule(t, Schedule(terms(t, "10000000", 3, 1200, ScheduleAnnuity)), [][4]string{
			{"3300221.11", "100000.00", "3400221.11", "6699778.89"},
			{"3333223.32", "66997.79", "3400221.11", "3366555.57"},
			{"3366555.57", "33665.56", "3400221.13", "0.00"},
		})
	})
	t.Run("Annuity12Months", func(t *testing.T) {
		// Rp12.000.000 over 12 months at 6 %: 1.032.797,16 a month.
		s := Schedule(terms(t, "12000000", 12, 600, ScheduleAnnuity))
		if s[0].Total.String() != "1032797.16" || s[0].Interest.String() != "60000.00" || s[11].Total.String() != "1032797.10" ||
			s[11].Principal.String() != "1027658.81" || s[11].Balance.String() != "0.00" {
			t.Fatalf("first %+v, last %+v", s[0], s[11])
		}
		var interest money.Amount
		for _, in := range s {
			interest = interest.Add(in.Interest)
		}
		if interest.String() != "393565.86" {
			t.Fatalf("interest %s", interest)
		}
	})
	t.Run("Flat", func(t *testing.T) {
		// principal/3 = 3.333.333,33 (rounded down), interest 10.000.000·12 %/12.
		checkSchedule(t, Schedule(terms(t, "10000000", 3, 1200, ScheduleFlat)), [][4]string{
			{"3333333.33", "100000.00", "3433333.33", "6666666.67"},
			{"3333333.33", "100000.00", "3433333.33", "3333333.34"},
			{"3333333.34", "100000.00", "3433333.34", "0.00"},
		})
	})
	t.Run("FlatRoundingInLast", func(t *testing.T) {
		// Rp1.000.000 over 7 months at 9,5 %: principal 142.857,14 (last
		// 142.857,16); interest 7.916,66 a month (7.916,666…), the total
		// 55.416,67, so the last carries 7.916,71.
		s := Schedule(terms(t, "1000000", 7, 950, ScheduleFlat))
		for i := range 6 {
			if s[i].Principal.String() != "142857.14" || s[i].Interest.String() != "7916.66" {
				t.Fatalf("instalment %d: %+v", i+1, s[i])
			}
		}
		if s[6].Principal.String() != "142857.16" || s[6].Interest.String() != "7916.71" || s[6].Total.String() != "150773.87" {
			t.Fatalf("last: %+v", s[6])
		}
	})
	t.Run("ZeroRate", func(t *testing.T) {
		checkSchedule(t, Schedule(terms(t, "1000000", 3, 0, ScheduleAnnuity)), [][4]string{
			{"333333.33", "0.00", "333333.33", "666666.67"},
			{"333333.33", "0.00", "333333.33", "333333.34"},
			{"333333.34", "0.00", "333333.34", "0.00"},
		})
	})
	t.Run("DueDates", func(t *testing.T) {
		tm := terms(t, "1000000", 4, 0, ScheduleFlat)
		tm.FirstDueOn = "2024-01-31"
		var got []string
		for _, in := range Schedule(tm) {
			got = append(got, in.DueOn)
		}
		if want := "[2024-01-31 2024-02-29 2024-03-31 2024-04-30]"; fmtList(got) != want {
			t.Fatalf("due dates %s, want %s", fmtList(got), want)
		}
		if d := DueDate("2024-11-15", 14); d != "2026-01-15" {
			t.Fatalf("14 months after 2024-11-15: %s", d)
		}
	})
}

func fmtList(s []string) string {
	out := "["
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out + "]"
}

func TestLedger_Apply(t *testing.T) {
	split := func(t *testing.T, l *Ledger, on, amount, interest, principal, excess string) {
		t.Helper()
		i, p, e := l.Apply(on, amt(t, amount))
		if i.String() != interest || p.String() != principal || e.String() != excess {
			t.Fatalf("%s on %s: interest %s, principal %s, excess %s; want %s, %s, %s", amount, on, i, p, e, interest, principal, excess)
		}
	}
	t.Run("OnTimeThenEarlyRepayment", func(t *testing.T) {
		l := NewLedger(terms(t, "10000000", 3, 1200, ScheduleAnnuity))
		split(t, l, "2024-02-10", "3400221.11", "100000.00", "3300221.11", "0.00")
		// Before instalment 2 is due: its interest, then its principal.
		split(t, l, "2024-03-05", "1000000", "66997.79", "933002.21", "0.00")
		if l.Outstanding().String() != "5766776.68" || l.RepaidOn != "" {
			t.Fatalf("outstanding %s, repaid %q", l.Outstanding(), l.RepaidOn)
		}
		if got := l.Payoff("2024-03-20"); got.String() != "5800442.24" {
			t.Fatalf("payoff on 20 March: %s", got)
		}
		// Paid off on 20 March: instalment 2's principal left
		// (2.400.221,11), instalment 3's interest and principal
		// (33.665,56 + 3.366.555,57); 99.557,76 too much.
		split(t, l, "2024-03-20", "5900000", "33665.56", "5766776.68", "99557.76")
		if !l.Outstanding().IsZero() || l.RepaidOn != "2024-03-20" || l.DaysPastDue("2024-05-01") != 0 {
			t.Fatalf("outstanding %s, repaid %q", l.Outstanding(), l.RepaidOn)
		}
		if err := l.CheckRepayment(&Repayment{PaidOn: "2024-03-21"}); ErrorCode(err) != EConflict {
			t.Fatalf("a repayment after the loan was repaid: %v", err)
		}
	})
	t.Run("PayingAhead", func(t *testing.T) {
		// Rp5.000.000 before anything is due: instalment 1 whole, then
		// 1.599.778,89 of instalment 2's principal ahead; its interest
		// (66.997,79) and the rest of its principal (1.733.444,43) stay due.
		l := NewLedger(terms(t, "10000000", 3, 1200, ScheduleAnnuity))
		split(t, l, "2024-02-01", "5000000", "100000.00", "4900000.00", "0.00")
		if got := l.DaysPastDue("2024-03-10"); got != 0 {
			t.Fatalf("on the due date: %d days past due", got)
		}
		if got := l.DaysPastDue("2024-03-11"); got != 1 {
			t.Fatalf("the day after instalment 2's due date with its interest unpaid: %d days past due", got)
		}
		split(t, l, "2024-03-11", "1800442.22", "66997.79", "1733444.43", "0.00")
		if got := l.DaysPastDue("2024-03-12"); got != 0 {
			t.Fatalf("after paying the interest: %d days past due", got)
		}
	})
	t.Run("Arrears", func(t *testing.T) {
		// Two instalments late: the oldest's interest and principal first.
		l := NewLedger(terms(t, "10000000", 3, 1200, ScheduleAnnuity))
		if got := l.DaysPastDue("2024-03-20"); got != 39 {
			t.Fatalf("days past due %d, want 39 (10 February to 20 March 2024)", got)
		}
		split(t, l, "2024-03-20", "3500000", "166997.79", "3333002.21", "0.00")
		if got := l.DaysPastDue("2024-03-20"); got != 10 {
			t.Fatalf("days past due %d, want 10 (instalment 2)", got)
		}
	})
	t.Run("CheckRepayment", func(t *testing.T) {
		l := NewLedger(terms(t, "10000000", 3, 1200, ScheduleAnnuity))
		if err := l.CheckRepayment(&Repayment{PaidOn: "2024-01-09"}); ErrorCode(err) != EValidation {
			t.Fatalf("before the loan: %v", err)
		}
		l.Apply("2024-02-10", amt(t, "100"))
		if err := l.CheckRepayment(&Repayment{PaidOn: "2024-02-09"}); ErrorCode(err) != EConflict {
			t.Fatalf("before the latest repayment: %v", err)
		}
		if err := l.CheckRepayment(&Repayment{PaidOn: "2024-02-10"}); err != nil {
			t.Fatalf("on the day of the latest repayment: %v", err)
		}
	})
}

func TestKolektibilitas(t *testing.T) {
	for _, c := range []struct{ days, kol int }{
		{0, 1}, {1, 2}, {90, 2}, {91, 3}, {120, 3}, {121, 4}, {180, 4}, {181, 5}, {1000, 5},
	} {
		if got := Kolektibilitas(c.days); got != c.kol {
			t.Errorf("%d days past due: kolektibilitas %d, want %d", c.days, got, c.kol)
		}
	}
	// Every boundary day of a loan due on 10 February 2024 and never paid.
	tm := terms(t, "10000000", 12, 600, ScheduleAnnuity)
	for _, c := range []struct {
		on        string
		days, kol int
	}{
		{"2024-02-10", 0, 1}, {"2024-02-11", 1, 2}, {"2024-05-10", 90, 2}, {"2024-05-11", 91, 3},
		{"2024-06-08", 119, 3}, {"2024-06-09", 120, 3}, {"2024-06-10", 121, 4}, {"2024-08-08", 180, 4}, {"2024-08-09", 181, 5},
	} {
		p := Position(tm, nil, c.on)
		if p.DaysPastDue != c.days || p.Kolektibilitas != c.kol || p.Outstanding.String() != "10000000.00" {
			t.Errorf("%s: %d days past due, kolektibilitas %d, outstanding %s; want %d, %d", c.on, p.DaysPastDue, p.Kolektibilitas, p.Outstanding, c.days, c.kol)
		}
	}
	// Each day from 0 to 400 days past due agrees with the table.
	due, _ := time.Parse(dateLayout, "2024-02-10")
	for d := 0; d <= 400; d++ {
		p := Position(tm, nil, due.AddDate(0, 0, d).Format(dateLayout))
		if p.DaysPastDue != d || p.Kolektibilitas != Kolektibilitas(d) {
			t.Fatalf("day %d: %+v", d, p)
		}
	}
	if p := Position(tm, nil, "2024-01-09"); !p.Outstanding.IsZero() {
		t.Fatalf("before the loan: %+v", p)
	}
}

func TestSubsidyFor(t *testing.T) {
	reps := func(t *testing.T, pairs ...string) []Repayment {
		var out []Repayment
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, Repayment{PaidOn: pairs[i], Amount: amt(t, pairs[i+1])})
		}
		return out
	}
	tm := terms(t, "10000000", 3, 1200, ScheduleAnnuity) // subsidy 6 %
	early := reps(t, "2024-02-10", "3400221.11", "2024-03-05", "1000000", "2024-03-20", "5900000")
	for _, c := range []struct {
		name, from, to string
		rs             []Repayment
		want           string
	}{
		// 22 days (10–31 January) × 10.000.000 × 6 % / 360 = 36.666,666…
		{"FirstMonth", "2024-01-01", "2024-01-31", nil, "36666.67"},
		// 9 days at 10.000.000 and 20 days at 6.699.778,89: 22.399.557.780 sen-days × 6 % / 360.
		{"AfterARepayment", "2024-02-01", "2024-02-29", early, "37332.60"},
		// 4 days at 6.699.778,89, 15 at 5.766.776,68, and none from the
		// day it is repaid (20 March).
		{"StopsOnEarlyRepayment", "2024-03-01", "2024-03-31", early, "18883.46"},
		{"NothingAfterRepaid", "2024-04-01", "2024-04-30", early, "0.00"},
		// Not repaid: 1–10 April, to maturity, 10 days × 3.366.555,57 × 6 % / 360 = 5.610,925…
		{"ToMaturity", "2024-04-01", "2024-04-30", reps(t, "2024-02-10", "3400221.11", "2024-03-10", "3400221.11"), "5610.93"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := SubsidyFor(tm, c.rs, c.from, c.to); got.String() != c.want {
				t.Fatalf("subsidy %s, want %s", got, c.want)
			}
		})
	}
	t.Run("StopsAtKolektibilitas5", func(t *testing.T) {
		// Never paid, due 10 February: 181 days past due on 9 August, so
		// August has 8 days × 10.000.000 × 6 % / 360 = 13.333,33.
		long := terms(t, "10000000", 12, 600, ScheduleAnnuity)
		if got := SubsidyFor(long, nil, "2024-08-01", "2024-08-31"); got.String() != "13333.33" {
			t.Fatalf("subsidy %s", got)
		}
	})
	t.Run("ByMonth", func(t *testing.T) {
		got := SubsidyByMonth(tm, early, "2024-12-31")
		want := map[string]string{"2024-01": "36666.67", "2024-02": "37332.60", "2024-03": "18883.46"}
		if len(got) != len(want) {
			t.Fatalf("months %v", got)
		}
		for m, w := range want {
			if got[m].String() != w {
				t.Errorf("%s: %s, want %s", m, got[m], w)
			}
		}
		// Cut at the date: 10–15 January, 6 days.
		if got := SubsidyByMonth(tm, nil, "2024-01-15"); len(got) != 1 || got["2024-01"].String() != "10000.00" {
			t.Fatalf("to 15 January: %v", got)
		}
	})
	t.Run("NoRate", func(t *testing.T) {
		z := tm
		z.SubsidyRate = Rate{}
		if got := SubsidyFor(z, nil, "2024-01-01", "2024-01-31"); !got.IsZero() {
			t.Fatalf("subsidy %s", got)
		}
	})
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]string{"6": "6.00", "6.5": "6.50", "10.25": "10.25", "0": "0.00", "100": "100.00"} {
		r, msg := ParseRate(in)
		if msg.Key != "" || r.String() != want {
			t.Errorf("%q: %s %v", in, r, msg)
		}
	}
	for _, in := range []string{"", "-1", "100.01", "6.123", "1e2", "6,5", "abc", "1000"} {
		if _, msg := ParseRate(in); msg.Key == "" {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestNewLoan(t *testing.T) {
	n, r, d := 12, money.Raw("6"), "2024-02-10"
	if l, err := NewLoan(LoanInput{TenorMonths: &n, InterestRate: &r, FirstDueOn: &d}, "2024-01-10"); err != nil || l.InterestRate.BP() != 600 {
		t.Fatalf("%+v %v", l, err)
	}
	zero, bad, early := 0, money.Raw("6.001"), "2024-01-10"
	_, err := NewLoan(LoanInput{TenorMonths: &zero, InterestRate: &bad, FirstDueOn: &early}, "2024-01-10")
	e, _ := err.(*Error)
	if e == nil || len(e.Fields) != 3 {
		t.Fatalf("%v", err)
	}
}

// TestSubsidyFor_AgreesWithPosition: the subsidy's day walk gives what
// Position says day by day (outstanding, kolektibilitas, maturity), for a
// loan repaid early, one paid late and one never paid.
func TestSubsidyFor_AgreesWithPosition(t *testing.T) {
	tm := terms(t, "10000000", 12, 1200, ScheduleAnnuity)
	for name, reps := range map[string][]Repayment{
		"Early": {{PaidOn: "2024-02-10", Amount: amt(t, "888487.89")}, {PaidOn: "2024-05-01", Amount: amt(t, "5000000")}, {PaidOn: "2024-07-15", Amount: amt(t, "9000000")}},
		"Late":  {{PaidOn: "2024-09-01", Amount: amt(t, "2000000")}, {PaidOn: "2024-12-20", Amount: amt(t, "1000000")}},
		"Never": nil,
	} {
		t.Run(name, func(t *testing.T) {
			var senDays int64
			maturity := Schedule(tm)[11].DueOn
			day, _ := time.Parse(dateLayout, "2024-01-01")
			for ; day.Format(dateLayout) <= "2025-06-30"; day = day.AddDate(0, 0, 1) {
				d := day.Format(dateLayout)
				if p := Position(tm, reps, d); d <= maturity && p.Kolektibilitas < 5 {
					senDays += p.Outstanding.Sen()
				}
			}
			if got, want := SubsidyFor(tm, reps, "2024-01-01", "2025-06-30"), subsidyOf(senDays, tm.SubsidyRate); !got.Equal(want) {
				t.Fatalf("subsidy %s, day by day %s", got, want)
			}
		})
	}
}
