package recon

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

func pays(ps ...Payment) []Payment { return ps }

func p(id int64, rp int64, paidOn, ref, acct string) Payment {
	return Payment{ID: id, AmountSen: rp * 100, PaidOn: paidOn, Ref: ref, Account: acct}
}

func bl(id int64, rp int64, date, ref, acct string) BankLine {
	return BankLine{ID: id, AmountSen: rp * 100, BookingDate: date, Ref: ref, Account: acct}
}

func pairsOf(r Result) string {
	s := ""
	for _, x := range r.Pairs {
		s += fmt.Sprintf("%d-%d:%s", x.LineID, x.DisbursementID, x.Rule)
		if x.DifferenceSen != 0 {
			s += fmt.Sprintf("(%d)", x.DifferenceSen/100)
		}
		s += " "
	}
	return s
}

func TestNormalizeRef(t *testing.T) {
	for in, want := range map[string]string{
		"BPUM-2024-0001": "BPUM20240001", "bpum 2024 0001": "BPUM20240001", "REF BPUM-2024-0001": "BPUM20240001",
		"Ref:BPUM2024/0001": "BPUM20240001", "NO. BPUM-2024-0001": "BPUM20240001", "REF20240001": "20240001",
		"REFUND-1": "REFUND1", "NOV-1": "NOV1", "": "",
	} {
		if got := NormalizeRef(in); got != want {
			t.Errorf("NormalizeRef(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		name   string
		ps     []Payment
		ls     []BankLine
		want   string
		amb    []Ambiguous
		window int
	}{
		{name: "Reference", ps: pays(p(1, 2400000, "2024-07-01", "BPUM-2024-0001", "111")),
			ls: []BankLine{bl(10, -2400000, "2024-07-20", "ref bpum 2024-0001", "")}, want: "10-1:reference "},
		{name: "ReferenceInDescription", ps: pays(p(1, 2400000, "2024-07-01", "BPUM-2024-0001", "")),
			ls: []BankLine{{ID: 10, AmountSen: -240000000, BookingDate: "2024-07-01", Description: "TRF KE 123 BPUM-2024-0001 TOKO"}}, want: "10-1:reference "},
		{name: "AmountMismatchFee", ps: pays(p(1, 2400000, "2024-07-01", "BPUM-1", "")),
			ls: []BankLine{bl(10, -2402500, "2024-07-01", "BPUM-1", "")}, want: "10-1:amount_mismatch(2500) "},
		{name: "ReferenceBeforeAccountDate", ps: pays(p(1, 100, "2024-07-01", "A-1", "111"), p(2, 100, "2024-07-01", "A-2", "111")),
			// line 10 names A-2 by reference although it also fits 1 and 2 by account and date
			ls: []BankLine{bl(10, -100, "2024-07-01", "A-2", "111"), bl(11, -100, "2024-07-02", "", "111")}, want: "10-2:reference 11-1:account_date "},
		{name: "MismatchBeforeAccountDate", ps: pays(p(1, 100, "2024-07-01", "A-1", "111"), p(2, 100, "2024-07-01", "", "111")),
			ls: []BankLine{bl(10, -99, "2024-07-01", "A-1", "111"), bl(11, -100, "2024-07-01", "", "111")}, want: "10-1:amount_mismatch(-1) 11-2:account_date "},
		{name: "AccountDate", ps: pays(p(1, 500, "2024-07-01", "", "0012-345"), p(2, 500, "2024-07-01", "", "999")),
			ls: []BankLine{bl(10, -500, "2024-07-04", "", "12345")}, want: "10-1:account_date "},
		{name: "WindowEdgeInside", ps: pays(p(1, 500, "2024-07-01", "", "12345")),
			ls: []BankLine{bl(10, -500, "2024-06-28", "", "12345")}, want: "10-1:account_date "},
		{name: "WindowEdgeOutside", ps: pays(p(1, 500, "2024-07-01", "", "12345")),
			ls: []BankLine{bl(10, -500, "2024-07-05", "", "12345")}, want: ""},
		{name: "WindowOfOneDay", window: 1, ps: pays(p(1, 500, "2024-07-01", "", "12345")),
			ls: []BankLine{bl(10, -500, "2024-07-03", "", "12345")}, want: ""},
		{name: "Probable", ps: pays(p(1, 700, "2024-07-01", "", "111"), p(2, 800, "2024-07-01", "", "111")),
			ls: []BankLine{bl(10, -700, "2024-07-02", "", "")}, want: "10-1:probable "},
		{name: "ProbableTie", ps: pays(p(1, 700, "2024-07-01", "", "111"), p(2, 700, "2024-07-02", "", "222")),
			ls: []BankLine{bl(10, -700, "2024-07-02", "", "")}, want: "", amb: []Ambiguous{{10, []int64{1, 2}}}},
		{name: "LineFitsTwoDisbursements", ps: pays(p(1, 700, "2024-07-01", "X-1", "111"), p(2, 700, "2024-07-01", "X-1", "111")),
			ls: []BankLine{bl(10, -700, "2024-07-01", "X-1", "111")}, want: "", amb: []Ambiguous{{10, []int64{1, 2}}}},
		{name: "TwoLinesOneDisbursement", ps: pays(p(1, 700, "2024-07-01", "X-1", "111")),
			ls: []BankLine{bl(10, -700, "2024-07-01", "X-1", "111"), bl(11, -700, "2024-07-01", "X-1", "111")}, want: "",
			amb: []Ambiguous{{10, []int64{1}}, {11, []int64{1}}}},
		{name: "TwoLinesOneDisbursementByWindow", ps: pays(p(1, 700, "2024-07-01", "", "")),
			ls: []BankLine{bl(10, -700, "2024-07-01", "", ""), bl(11, -700, "2024-07-03", "", "")}, want: "",
			amb: []Ambiguous{{10, []int64{1}}, {11, []int64{1}}}},
		{name: "Bulk", ps: pays(p(1, 2400000, "2024-07-01", "SP2D-LS-7", "1"), p(2, 2400000, "2024-07-01", "SP2D-LS-7", "2"), p(3, 1000000, "2024-07-01", "SP2D-LS-7", "3")),
			ls: []BankLine{bl(10, -5800000, "2024-07-02", "SP2D LS 7", "")}, want: "10-1:bulk 10-2:bulk 10-3:bulk "},
		{name: "BulkNotSummingStaysOpen", ps: pays(p(1, 2400000, "2024-07-01", "SP2D-LS-7", ""), p(2, 2400000, "2024-07-01", "SP2D-LS-7", "")),
			ls: []BankLine{bl(10, -4700000, "2024-08-30", "SP2D-LS-7", "")}, want: "", amb: []Ambiguous{{10, []int64{1, 2}}}},
		{name: "Retur", ps: pays(
			Payment{ID: 1, AmountSen: 100, PaidOn: "2024-07-01", ReturnedOn: "2024-07-05", Ref: "BPUM-0001", Account: "111"},
			Payment{ID: 2, AmountSen: 200, PaidOn: "2024-07-01", ReturnedOn: "2024-07-05", Ref: "BPUM-0002", Account: "222"}),
			ls: []BankLine{{ID: 10, AmountSen: -100, BookingDate: "2024-07-01", Ref: "BPUM-0001"}, {ID: 11, AmountSen: 100, BookingDate: "2024-07-05", Ref: "RETUR BPUM-0001"},
				{ID: 12, AmountSen: 200, BookingDate: "2024-07-06", Account: "222"}},
			want: "10-1:reference 11-1:retur_reference 12-2:retur_account "},
		{name: "CreditNeverPaysADisbursement", ps: pays(p(1, 700, "2024-07-01", "X-1", "111")),
			ls: []BankLine{bl(10, 700, "2024-07-01", "X-1", "111")}, want: ""},
		{name: "AlreadyPairedElsewhere", ps: pays(Payment{ID: 1, AmountSen: 70000, PaidOn: "2024-07-01", Ref: "X-1", Paired: true}),
			ls: []BankLine{bl(10, -700, "2024-07-01", "X-1", "")}, want: ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := c.window
			if w == 0 {
				w = 3
			}
			r := Match(c.ps, c.ls, w)
			if got := pairsOf(r); got != c.want {
				t.Errorf("pairs %q, want %q", got, c.want)
			}
			if !reflect.DeepEqual(r.Ambiguous, c.amb) {
				t.Errorf("ambiguous %v, want %v", r.Ambiguous, c.amb)
			}
			// deterministic whatever the order of the input
			ps := append([]Payment(nil), c.ps...)
			ls := append([]BankLine(nil), c.ls...)
			sort.Slice(ps, func(i, j int) bool { return ps[i].ID > ps[j].ID })
			sort.Slice(ls, func(i, j int) bool { return ls[i].ID > ls[j].ID })
			if got := pairsOf(Match(ps, ls, w)); got != c.want {
				t.Errorf("reversed input: pairs %q, want %q", got, c.want)
			}
		})
	}
}
