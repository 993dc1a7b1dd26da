package store_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/recon"
)

// paidTo pays amount to a new recipient with the account, by the world's
// officer and reviewer, with the payment reference and date.
func paidTo(t *testing.T, w *dbtest.World, p *finance.Program, amount, ref, paidOn, account string) *finance.Disbursement {
	t.Helper()
	r := newRecipient(t, w)
	if account != "" {
		if _, err := w.Store.UpdateRecipient(w.Ctx(w.Admin), r.ID, finance.RecipientInput{AccountNo: ptr(account), BankCode: ptr("002")}); err != nil {
			t.Fatalf("UpdateRecipient: %v", err)
		}
	}
	d, err := w.Store.CreateDisbursement(w.Ctx(w.Officer), finance.DisbursementInput{
		Program: ptr(p.Code), RecipientID: ptr(r.ID), Amount: raw(amount), DisbursedOn: ptr("2024-06-01"),
	})
	if err != nil {
		t.Fatalf("CreateDisbursement: %v", err)
	}
	act(t, w, w.Officer, d, "submit")
	act(t, w, w.Reviewer, d, "approve")
	d, err = w.Store.ActOnDisbursement(w.Ctx(w.Officer), d.ID, "pay", finance.ActionInput{PaidOn: ptr(paidOn), PaymentRef: ptr(ref)})
	if err != nil {
		t.Fatalf("pay: %v", err)
	}
	return d
}

func importCSV(t *testing.T, w *dbtest.World, u *finance.User, csv string) *finance.StatementImport {
	t.Helper()
	out, err := w.Store.ImportStatements(w.Ctx(u), finance.StatementUpload{Format: "csv", Account: "0123456789"}, strings.NewReader(csv))
	if err != nil {
		t.Fatalf("ImportStatements: %v", err)
	}
	return out
}

func code(err error) string { return finance.ErrorCode(err) }

func TestStatementService_Import(t *testing.T) {
	t.Parallel()
	t.Run("MT940SeveralStatements", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		f, _ := os.Open("../recon/testdata/mt940_blocks.sta")
		defer f.Close()
		out, err := w.Store.ImportStatements(w.Ctx(w.Officer), finance.StatementUpload{Format: "mt940", Account: "x"}, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Statements) != 2 || len(out.Duplicates) != 0 {
			t.Fatalf("%+v", out)
		}
		a := out.Statements[0]
		if a.Account != "012301000123301" || a.LineCount != 4 || a.Balanced || a.Difference.String() != "-100.00" ||
			a.OpeningBalance.String() != "100000000.00" || a.Agency != w.Agency.Code || len(a.Problems) != 1 || a.Problems[0].Line != 14 {
			t.Errorf("first statement %+v", a)
		}
		got, err := w.Store.FindStatementByID(w.Ctx(w.Reviewer), a.ID)
		if err == nil {
			got.Lines = statementLines(t, w, w.Reviewer, a.ID, 0, 0)
		}
		if err != nil || len(got.Lines) != 4 || got.Lines[0].Amount.String() != "-2400000.00" || got.Lines[3].Amount.String() != "2400000.00" {
			t.Fatalf("FindStatementByID: %+v %v", got, err)
		}
	})
	t.Run("DuplicateCreatesNothing", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		csv := "booking_date,amount,reference\n2024-07-01,-100,A\n"
		first := importCSV(t, w, w.Officer, csv)
		entries := auditCount(t, w)
		again := importCSV(t, w, w.Reviewer, csv)
		if len(again.Statements) != 0 || len(again.Duplicates) != 1 || again.Duplicates[0].ID != first.Statements[0].ID ||
			!strings.Contains(again.Duplicates[0].Message, "nothing was created") {
			t.Fatalf("again: %+v", again)
		}
		if n := auditCount(t, w); n != entries {
			t.Errorf("audit entries %d -> %d", entries, n)
		}
		// another agency's identical file is its own statement
		if other := importCSV(t, w, w.OtherOfficer, csv); len(other.Statements) != 1 {
			t.Errorf("other agency: %+v", other)
		}
		// one line more is another statement
		if more := importCSV(t, w, w.Officer, csv+"2024-07-01,-5,B\n"); len(more.Statements) != 1 {
			t.Errorf("changed: %+v", more)
		}
	})
	t.Run("StreamedCSVRefusedMidwayLeavesNothing", func(t *testing.T) {
		// a CSV is stored as it is read; a refusal on its third line undoes the lines before it
		w := dbtest.NewWorld(t)
		csv := "booking_date,amount,reference,currency\n2024-07-01,-100,A,IDR\n2024-07-02,-200,B,IDR\n2024-07-03,-300,C,USD\n"
		_, err := w.Store.ImportStatements(w.Ctx(w.Officer), finance.StatementUpload{Format: "csv", Account: "0123456789"}, strings.NewReader(csv))
		if code(err) != finance.EValidation || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "USD") {
			t.Fatalf("err = %v", err)
		}
		db, _ := w.Store.DB()
		var statements, lines int
		db.QueryRow("SELECT COUNT(*) FROM statements").Scan(&statements)
		db.QueryRow("SELECT COUNT(*) FROM statement_lines").Scan(&lines)
		if statements != 0 || lines != 0 {
			t.Errorf("%d statements and %d lines left behind", statements, lines)
		}
		// and a duplicate leaves only the first
		importCSV(t, w, w.Officer, "booking_date,amount\n2024-07-01,-100\n")
		importCSV(t, w, w.Officer, "booking_date,amount\n2024-07-01,-100\n")
		db.QueryRow("SELECT COUNT(*) FROM statements").Scan(&statements)
		db.QueryRow("SELECT COUNT(*) FROM statement_lines").Scan(&lines)
		if statements != 1 || lines != 1 {
			t.Errorf("after a duplicate: %d statements and %d lines, want 1 and 1", statements, lines)
		}
	})
	t.Run("ErrCurrency", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		_, err := w.Store.ImportStatements(w.Ctx(w.Officer), finance.StatementUpload{Format: "mt940", Currency: "IDR"},
			strings.NewReader(":20:X\n:25:1\n:60F:C240701USD1,00\n:62F:C240701USD1,00\n"))
		if code(err) != finance.EValidation || !strings.Contains(err.Error(), "USD") || !strings.Contains(err.Error(), "IDR") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrUnreadable", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		_, err := w.Store.ImportStatements(w.Ctx(w.Officer), finance.StatementUpload{Format: "camt053"}, strings.NewReader("<Document><oops"))
		if code(err) != finance.EValidation || !strings.Contains(err.Error(), "line 1") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrAccountRequired", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		_, err := w.Store.ImportStatements(w.Ctx(w.Officer), finance.StatementUpload{Format: "csv"}, strings.NewReader("booking_date,amount\n2024-07-01,-1\n"))
		if e, ok := err.(*finance.Error); !ok || e.Fields["account"].Key == "" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("Permissions", func(t *testing.T) {
		w := dbtest.NewWorld(t)
		csv := "booking_date,amount\n2024-07-01,-1\n"
		up := finance.StatementUpload{Format: "csv", Account: "1"}
		if _, err := w.Store.ImportStatements(w.Ctx(w.Auditor), up, strings.NewReader(csv)); code(err) != finance.EForbidden {
			t.Errorf("auditor: %v", err)
		}
		if _, err := w.Store.ImportStatements(w.Ctx(w.Admin), up, strings.NewReader(csv)); code(err) != finance.EValidation {
			t.Errorf("admin without agency: %v", err)
		}
		up.Agency = w.OtherAgency.Code
		if _, err := w.Store.ImportStatements(w.Ctx(w.Officer), up, strings.NewReader(csv)); code(err) != finance.EForbidden {
			t.Errorf("officer for another agency: %v", err)
		}
		out, err := w.Store.ImportStatements(w.Ctx(w.Admin), up, strings.NewReader(csv))
		if err != nil || out.Statements[0].Agency != w.OtherAgency.Code {
			t.Fatalf("admin: %v", err)
		}
		id := out.Statements[0].ID
		if _, err := w.Store.FindStatementByID(w.Ctx(w.Officer), id); code(err) != finance.EForbidden {
			t.Errorf("officer reads another agency's statement: %v", err)
		}
		if _, err := w.Store.FindStatementByID(w.Ctx(w.Auditor), id); err != nil {
			t.Errorf("auditor reads: %v", err)
		}
		list, _, err := w.Store.FindStatements(w.Ctx(w.Officer), finance.StatementFilter{})
		if err != nil || len(list) != 0 {
			t.Errorf("officer's list: %d %v", len(list), err)
		}
		if err := w.Store.EachStatementLine(w.Ctx(w.Officer), id, 0, 0, func(*finance.StatementLine) error { return nil }); code(err) != finance.EForbidden {
			t.Errorf("officer reads another agency's lines: %v", err)
		}
		if _, err := w.Store.StatementLinesByID(w.Ctx(w.Officer), id, []int64{1}); code(err) != finance.EForbidden {
			t.Errorf("officer reads another agency's lines by id: %v", err)
		}
		if err := w.Store.EachStatementLine(w.Ctx(w.Auditor), 999999, 0, 0, func(*finance.StatementLine) error { return nil }); code(err) != finance.ENotFound {
			t.Errorf("no such statement: %v", err)
		}
	})
}

// TestStatementLines reads a statement's lines a page at a time and by
// id, masked for roles that see masked data.
func TestStatementLines(t *testing.T) {
	t.Parallel()
	w := dbtest.NewWorld(t)
	csv := "booking_date,amount,reference,counterparty_account\n"
	for i := 1; i <= 7; i++ {
		csv += fmt.Sprintf("2024-07-0%d,-%d00,REF-%d,00112233%d\n", i, i, i, i)
	}
	st := importCSV(t, w, w.Officer, csv).Statements[0]
	other := importCSV(t, w, w.Officer, "booking_date,amount,reference\n2024-08-01,-5,X\n").Statements[0]
	t.Run("Pages", func(t *testing.T) {
		all := statementLines(t, w, w.Admin, st.ID, 0, 0)
		page := statementLines(t, w, w.Admin, st.ID, 3, 2)
		if len(all) != 7 || len(page) != 2 || page[0].Reference != "REF-4" || page[1].Reference != "REF-5" || page[0].Seq != 4 ||
			all[6].Amount.String() != "-700.00" || all[0].CounterpartyAccount != "001122331" {
			t.Fatalf("all %+v, page %+v", all, page)
		}
		if rest := statementLines(t, w, w.Admin, st.ID, 7, 10); len(rest) != 0 {
			t.Errorf("after the last: %+v", rest)
		}
	})
	t.Run("ByID", func(t *testing.T) {
		all := statementLines(t, w, w.Admin, st.ID, 0, 0)
		mine := statementLines(t, w, w.Admin, other.ID, 0, 0)
		got, err := w.Store.StatementLinesByID(w.Ctx(w.Reviewer), st.ID, []int64{all[1].ID, all[5].ID, mine[0].ID})
		if err != nil || len(got) != 2 || got[all[1].ID].Reference != "REF-2" || got[all[5].ID].Amount.String() != "-600.00" {
			t.Fatalf("%+v %v", got, err)
		}
	})
	t.Run("Masked", func(t *testing.T) {
		for _, u := range []*finance.User{w.Reviewer, w.Officer, w.Auditor, w.Admin} {
			lines := statementLines(t, w, u, st.ID, 0, 1)
			byID, err := w.Store.StatementLinesByID(w.Ctx(u), st.ID, []int64{lines[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]string{true: "001122331", false: "*****2331"}[u.Actor().SeesPersonalData()]; lines[0].CounterpartyAccount != want || byID[lines[0].ID].CounterpartyAccount != want {
				t.Errorf("%s sees %q and %q, want %q", u.Role, lines[0].CounterpartyAccount, byID[lines[0].ID].CounterpartyAccount, want)
			}
		}
	})
}

// world with a program and helpers for one reconciliation test.
type reconWorld struct {
	*dbtest.World
	p *finance.Program
}

func newReconWorld(t *testing.T) reconWorld {
	w := dbtest.NewWorld(t)
	return reconWorld{w, newProgram(t, w, "BPUM-REC-2024", "1000000000")}
}

func (w reconWorld) reconcile(t *testing.T, csv string) (*finance.Reconciliation, *finance.Statement) {
	t.Helper()
	out := importCSV(t, w.World, w.Officer, csv)
	st := out.Statements[0]
	rc, err := w.Store.Reconcile(w.Ctx(w.Officer), finance.ReconcileInput{StatementID: st.ID, WindowDays: 3})
	if err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	full, _ := w.Store.FindStatementByID(w.Ctx(w.Admin), st.ID)
	full.Lines = statementLines(t, w.World, w.Admin, st.ID, 0, 0)
	return rc, full
}

// statementLines collects what EachStatementLine gives u.
func statementLines(t *testing.T, w *dbtest.World, u *finance.User, id int64, after, limit int) []*finance.StatementLine {
	t.Helper()
	var out []*finance.StatementLine
	err := w.Store.EachStatementLine(w.Ctx(u), id, after, limit, func(l *finance.StatementLine) error {
		c := *l
		out = append(out, &c)
		return nil
	})
	if err != nil {
		t.Fatalf("EachStatementLine: %v", err)
	}
	return out
}

func rules(rc *finance.Reconciliation, st *finance.Statement) string {
	seq := map[int64]int{}
	for i, l := range st.Lines {
		seq[l.ID] = i + 2 // CSV row numbers: the header is row 1
	}
	s := ""
	for _, m := range rc.Matched {
		s += fmt.Sprintf("row%d:%s:%v ", seq[m.LineID], m.Rule, m.Confirmed)
	}
	return s
}

func TestReconciliationService(t *testing.T) {
	t.Parallel()
	t.Run("RulesInOrder", func(t *testing.T) {
		w := newReconWorld(t)
		byRef := paidTo(t, w.World, w.p, "2400000", "BPUM-2024-0001", "2024-07-01", "1111111111")
		fee := paidTo(t, w.World, w.p, "2400000", "BPUM-2024-0002", "2024-07-01", "2222222222")
		byAcct := paidTo(t, w.World, w.p, "2400000", "", "2024-07-01", "3333333333")
		probable := paidTo(t, w.World, w.p, "1750000", "", "2024-07-02", "")
		missing := paidTo(t, w.World, w.p, "3000000", "BPUM-2024-0009", "2024-07-02", "")
		csv := "booking_date,amount,reference,counterparty_account\n" +
			"2024-07-02,-2400000,ref bpum 2024 0001,\n" + // row 2: reference after normalising
			"2024-07-01,-2402500,BPUM-2024-0002,2222222222\n" + // row 3: mismatch (fee), not account_date
			"2024-07-04,-2400000,,3333333333\n" + // row 4: account_date at the window's edge
			"2024-07-03,-1750000,,\n" + // row 5: probable
			"2024-07-03,-999,,\n" // row 6: unrelated
		rc, st := w.reconcile(t, csv)
		if got := rules(rc, st); got != "row2:reference:true row4:account_date:true row5:probable:false " {
			t.Errorf("matched %s", got)
		}
		if len(rc.AmountMismatches) != 1 || rc.AmountMismatches[0].DisbursementID != fee.ID || rc.AmountMismatches[0].Difference.String() != "2500.00" {
			t.Errorf("mismatches %+v", rc.AmountMismatches)
		}
		if fmt.Sprint(rc.UnmatchedDisbursements) != fmt.Sprint([]int64{missing.ID}) || len(rc.UnmatchedLines) != 1 || rc.UnmatchedLines[0] != st.Lines[4].ID {
			t.Errorf("unmatched %v %v", rc.UnmatchedDisbursements, rc.UnmatchedLines)
		}
		tt := rc.Totals
		if tt.Paid.String() != "11950000.00" || tt.Matched.String() != "4800000.00" || tt.Unmatched.String() != "7150000.00" ||
			tt.UnmatchedLines.String() != "999.00" || tt.Mismatched.String() != "2400000.00" {
			t.Errorf("totals %+v", tt)
		}
		for d, want := range map[*finance.Disbursement]bool{byRef: true, byAcct: true, probable: false, fee: false, missing: false} {
			got, _ := w.Store.FindDisbursementByID(w.Ctx(w.Admin), d.ID)
			if got.Reconciled != want {
				t.Errorf("disbursement %d reconciled %v, want %v", d.ID, got.Reconciled, want)
			}
		}
		// confirming the probable one reconciles it
		var pm *finance.Match
		for _, m := range rc.Matched {
			if m.Rule == recon.RuleProbable {
				pm = m
			}
		}
		m, err := w.Store.ConfirmMatch(w.Ctx(w.Reviewer), rc.ID, pm.ID)
		if err != nil || !m.Confirmed || m.ConfirmedBy == nil || *m.ConfirmedBy != w.Reviewer.Email {
			t.Fatalf("confirm: %+v %v", m, err)
		}
		if got, _ := w.Store.FindDisbursementByID(w.Ctx(w.Admin), probable.ID); !got.Reconciled {
			t.Error("confirmed probable match does not reconcile")
		}
		if _, err := w.Store.ConfirmMatch(w.Ctx(w.Reviewer), rc.ID, pm.ID); code(err) != finance.EConflict {
			t.Errorf("confirm twice: %v", err)
		}
		// the disbursement page's view
		dr, err := w.Store.DisbursementReconciliation(w.Ctx(w.Officer), byRef.ID)
		if err != nil || !dr.Reconciled || len(dr.Matches) != 1 || dr.Matches[0].Rule != "reference" || dr.Matches[0].BookingDate != "2024-07-02" {
			t.Errorf("disbursement reconciliation %+v %v", dr, err)
		}
		if _, err := w.Store.Reconcile(w.Ctx(w.Officer), finance.ReconcileInput{StatementID: st.ID}); code(err) != finance.EConflict {
			t.Errorf("second run: %v", err)
		}
	})
	t.Run("WindowEdgeOutside", func(t *testing.T) {
		w := newReconWorld(t)
		paidTo(t, w.World, w.p, "2400000", "", "2024-07-01", "3333333333")
		rc, _ := w.reconcile(t, "booking_date,amount,reference,counterparty_account\n2024-07-05,-2400000,,3333333333\n")
		if len(rc.Matched) != 0 || len(rc.UnmatchedLines) != 1 {
			t.Errorf("four days apart matched: %+v", rc.Matched)
		}
	})
	t.Run("TiesStayOpen", func(t *testing.T) {
		w := newReconWorld(t)
		a := paidTo(t, w.World, w.p, "2400000", "", "2024-07-01", "")
		b := paidTo(t, w.World, w.p, "2400000", "", "2024-07-02", "")
		rc, st := w.reconcile(t, "booking_date,amount\n2024-07-02,-2400000\n")
		if len(rc.Matched) != 0 || len(rc.Ambiguous) != 1 || rc.Ambiguous[0].LineID != st.Lines[0].ID ||
			fmt.Sprint(rc.Ambiguous[0].Candidates) != fmt.Sprint([]int64{a.ID, b.ID}) {
			t.Errorf("matched %v ambiguous %+v", rc.Matched, rc.Ambiguous)
		}
		if len(rc.UnmatchedDisbursements) != 2 {
			t.Errorf("unmatched %v", rc.UnmatchedDisbursements)
		}
	})
	t.Run("TwoLinesOneDisbursement", func(t *testing.T) {
		w := newReconWorld(t)
		paidTo(t, w.World, w.p, "2400000", "BPUM-7", "2024-07-01", "")
		rc, _ := w.reconcile(t, "booking_date,amount,reference\n2024-07-01,-2400000,BPUM-7\n2024-07-02,-2400000,BPUM-7\n")
		if len(rc.Matched) != 0 || len(rc.Ambiguous) != 2 {
			t.Errorf("matched %v ambiguous %+v", rc.Matched, rc.Ambiguous)
		}
	})
	t.Run("BulkLine", func(t *testing.T) {
		w := newReconWorld(t)
		var ids []int64
		for i := 0; i < 3; i++ {
			ids = append(ids, paidTo(t, w.World, w.p, "2400000", "SP2D-LS-0007", "2024-07-01", "").ID)
		}
		rc, _ := w.reconcile(t, "booking_date,amount,reference\n2024-07-02,-7200000,SP2D LS 0007\n")
		if len(rc.Matched) != 3 || rc.Matched[0].Rule != "bulk" || rc.Totals.Matched.String() != "7200000.00" || len(rc.UnmatchedLines) != 0 {
			t.Fatalf("matched %+v totals %+v", rc.Matched, rc.Totals)
		}
		for _, id := range ids {
			if d, _ := w.Store.FindDisbursementByID(w.Ctx(w.Admin), id); !d.Reconciled {
				t.Errorf("disbursement %d not reconciled", id)
			}
		}
	})
	t.Run("Retur", func(t *testing.T) {
		w := newReconWorld(t)
		d := paidTo(t, w.World, w.p, "2400000", "BPUM-2024-0003", "2024-07-01", "4444444444")
		if _, err := w.Store.ActOnDisbursement(w.Ctx(w.Officer), d.ID, "return", finance.ActionInput{ReturnedOn: ptr("2024-07-04")}); err != nil {
			t.Fatal(err)
		}
		rc, _ := w.reconcile(t, "booking_date,amount,reference,counterparty_account\n2024-07-01,-2400000,BPUM-2024-0003,4444444444\n2024-07-04,2400000,RETUR BPUM-2024-0003,\n")
		if len(rc.Matched) != 2 || rc.Matched[0].Rule != "reference" || rc.Matched[1].Rule != "retur_reference" || rc.Matched[1].Kind != "retur" {
			t.Fatalf("matched %+v", rc.Matched)
		}
	})
	t.Run("ManualMatchFourEyes", func(t *testing.T) {
		w := newReconWorld(t)
		d := paidTo(t, w.World, w.p, "2400000", "", "2024-07-01", "")
		rc, st := w.reconcile(t, "booking_date,amount,reference\n2024-08-30,-2397500,X\n")
		if len(rc.Matched) != 0 {
			t.Fatalf("matched %+v", rc.Matched)
		}
		entries := auditCount(t, w.World)
		m, err := w.Store.MatchManually(w.Ctx(w.Officer), rc.ID, finance.ManualMatchInput{DisbursementID: d.ID, LineID: st.Lines[0].ID})
		if err != nil || m.Confirmed || m.Rule != "manual" || m.Difference.String() != "-2500.00" {
			t.Fatalf("manual: %+v %v", m, err)
		}
		if _, err := w.Store.MatchManually(w.Ctx(w.Officer), rc.ID, finance.ManualMatchInput{DisbursementID: d.ID, LineID: st.Lines[0].ID}); code(err) != finance.EConflict {
			t.Errorf("twice: %v", err)
		}
		if _, err := w.Store.ConfirmMatch(w.Ctx(w.Officer), rc.ID, m.ID); code(err) != finance.EForbidden {
			t.Errorf("confirm by the maker: %v", err)
		}
		if got, _ := w.Store.FindDisbursementByID(w.Ctx(w.Admin), d.ID); got.Reconciled {
			t.Error("reconciled before the second person confirmed")
		}
		if _, err := w.Store.ConfirmMatch(w.Ctx(w.Reviewer), rc.ID, m.ID); err != nil {
			t.Fatalf("confirm by a second person: %v", err)
		}
		if got, _ := w.Store.FindDisbursementByID(w.Ctx(w.Admin), d.ID); !got.Reconciled {
			t.Error("not reconciled after confirmation")
		}
		if err := w.Store.Unmatch(w.Ctx(w.Reviewer), rc.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.Store.FindDisbursementByID(w.Ctx(w.Admin), d.ID); got.Reconciled {
			t.Error("still reconciled after unmatch")
		}
		if n := auditCount(t, w.World); n != entries+3 {
			t.Errorf("audit entries %d, want %d (match, confirm, unmatch)", n, entries+3)
		}
		again, _ := w.Store.FindReconciliationByID(w.Ctx(w.Auditor), rc.ID, 3)
		if len(again.Matched) != 0 || len(again.UnmatchedLines) != 1 {
			t.Errorf("after unmatch %+v", again)
		}
		if _, err := w.Store.MatchManually(w.Ctx(w.Auditor), rc.ID, finance.ManualMatchInput{DisbursementID: d.ID, LineID: st.Lines[0].ID}); code(err) != finance.EForbidden {
			t.Errorf("auditor: %v", err)
		}
		if _, err := w.Store.MatchManually(w.Ctx(w.OtherOfficer), rc.ID, finance.ManualMatchInput{DisbursementID: d.ID, LineID: st.Lines[0].ID}); code(err) != finance.EForbidden {
			t.Errorf("other agency: %v", err)
		}
	})
	t.Run("UnbalancedStatementShown", func(t *testing.T) {
		w := newReconWorld(t)
		rc, _ := w.reconcile(t, "booking_date,amount,balance\n2024-07-01,-100,900\n2024-07-02,-100,850\n")
		if rc.Balanced {
			t.Error("an unbalanced statement reconciles as balanced")
		}
	})
}

// TestReconciliationKeepsDisbursement: the matches' disbursement is no
// foreign key (migration 00101), so a trigger refuses deleting a
// disbursement a line matches, on both engines, and the row stays.
func TestReconciliationKeepsDisbursement(t *testing.T) {
	t.Parallel()
	w := newReconWorld(t)
	d := paidTo(t, w.World, w.p, "2400000", "BPUM-2024-0001", "2024-07-01", "")
	rc, _ := w.reconcile(t, "booking_date,amount,reference\n2024-07-01,-2400000,BPUM-2024-0001\n")
	if len(rc.Matched) != 1 || rc.Matched[0].DisbursementID != d.ID {
		t.Fatalf("matched %+v", rc.Matched)
	}
	db, _ := w.Store.DB()
	q := "DELETE FROM disbursements WHERE id = ?"
	if w.Store.Driver() == "postgres" {
		q = "DELETE FROM disbursements WHERE id = $1"
	}
	_, err := db.Exec(q, d.ID)
	if err == nil || !strings.Contains(err.Error(), "a disbursement matched to a bank line cannot be deleted") {
		t.Fatalf("deleting a matched disbursement: %v", err)
	}
	if got, err := w.Store.FindDisbursementByID(w.Ctx(w.Admin), d.ID); err != nil || !got.Reconciled {
		t.Errorf("after the refused delete: %+v %v", got, err)
	}
}

// TestExportStopsOnEmitError: an export whose sink fails mid-way returns
// that error, reads no further, and leaves the cursor closed: the store
// answers the next export whole.
func TestExportStopsOnEmitError(t *testing.T) {
	t.Parallel()
	w := newReconWorld(t)
	const n = 300 // more than one batch of readBeside
	for i := range n {
		paidTo(t, w.World, w.p, "2400000", fmt.Sprintf("EXP-%d", i), "2024-07-01", "")
	}
	stop := errors.New("sink full")
	seen := 0
	err := w.Store.ExportDisbursements(w.Ctx(w.Officer), finance.DisbursementFilter{}, func(*finance.DisbursementLine) error {
		if seen++; seen == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || seen != 10 {
		t.Fatalf("export with a failing sink: %v after %d rows", err, seen)
	}
	seen = 0
	if err := w.Store.ExportDisbursements(w.Ctx(w.Officer), finance.DisbursementFilter{}, func(*finance.DisbursementLine) error { seen++; return nil }); err != nil || seen != n {
		t.Errorf("the next export: %d rows, %v", seen, err)
	}
}
