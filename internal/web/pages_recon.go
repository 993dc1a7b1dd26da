package web

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/money"
)

func (s *Server) registerReconPages(g *echo.Group) {
	g.GET("/statements", s.statementsPage)
	g.POST("/statements", s.uploadStatementPage)
	g.GET("/statements/:id", s.statementPage)
	g.POST("/statements/:id/reconcile", s.reconcilePage)
	g.GET("/reconciliations/:id", s.reconciliationPage)
	g.POST("/reconciliations/:id/matches", s.matchPage)
	g.POST("/reconciliations/:id/matches/:match_id/confirm", s.confirmMatchPage)
	g.POST("/reconciliations/:id/matches/:match_id/delete", s.unmatchPage)
	g.GET("/returns", s.openReturnsPage)
	g.POST("/disbursements/:id/return-closure", s.closeReturnPage)
}

func (s *Server) openReturnsPage(c echo.Context) error {
	items, err := s.returs.OpenReturns(c.Request().Context())
	if err != nil {
		return err
	}
	var total money.Amount
	for _, o := range items {
		total = total.Add(o.Amount)
	}
	return s.renderPage(c, http.StatusOK, "returns", "retur.title", struct {
		Items []*finance.OpenReturn
		Total money.Amount
	}{items, total})
}

// closeReturnPage records a deposit or re-payment from the disbursement
// page's form and shows the page again, with the refusal if any.
func (s *Server) closeReturnPage(c echo.Context) error {
	id, f, err := idForm(c)
	if err != nil {
		return err
	}
	in := finance.ReturClosureInput{Kind: f.str("kind"), Treasury: f.str("treasury"), ClosedOn: f.str("closed_on"),
		Reference: f.str("reference"), Note: f.str("note")}
	if f.form.Get("amount") != "" {
		in.Amount = f.raw("amount")
	}
	if len(f.fields) > 0 { // an amount the form cannot read
		return s.renderDisbursement(c, http.StatusUnprocessableEntity, id, f.fields)
	}
	if v := f.form.Get("repayment_id"); v != "" {
		var rid int64
		fmt.Sscan(v, &rid)
		in.RepaymentID = &rid
	}
	if _, err := s.returs.CloseReturn(c.Request().Context(), id, in); err != nil {
		var fe *finance.Error
		if asFinance(err, &fe) && (fe.Code == finance.EValidation || fe.Code == finance.EConflict || fe.Code == finance.EInvalidTransition) {
			fields := map[string]finance.Msg{formError: fe.Msg}
			for k, v := range fe.Fields {
				fields[k] = v
			}
			status := http.StatusUnprocessableEntity
			if fe.Code != finance.EValidation {
				status = http.StatusConflict
			}
			return s.renderDisbursement(c, status, id, fields)
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/disbursements/%d", id))
}

// statementsView is the statement list with the upload form and, after an
// upload, what it created and what was imported before.
type statementsView struct {
	Statements []*finance.Statement
	Import     *finance.StatementImport
	Profiles   []string
	Formats    []string
}

func (s *Server) profileNames() []string {
	var out []string
	for k := range s.cfg.Statements.CSVProfiles {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Server) statementsPage(c echo.Context) error {
	return s.renderStatements(c, http.StatusOK, nil, url.Values{"currency": {"IDR"}}, nil)
}

func (s *Server) renderStatements(c echo.Context, status int, imp *finance.StatementImport, form url.Values, fields map[string]finance.Msg) error {
	items, _, err := s.statements.FindStatements(c.Request().Context(), finance.StatementFilter{Page: finance.Page{Limit: 200}})
	if err != nil {
		return err
	}
	// newest first
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
	v := statementsView{Statements: items, Import: imp, Profiles: s.profileNames(), Formats: []string{"csv", "mt940", "camt053"}}
	return s.renderForm(c, status, "statements", "stmt.title", v, form, fields)
}

func (s *Server) uploadStatementPage(c echo.Context) error {
	f, form, err := spoolUpload(c)
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	up, err := s.statementUpload(form, c.QueryParams(), "")
	if err == nil {
		var res *finance.StatementImport
		res, err = s.statements.ImportStatements(c.Request().Context(), up, f)
		if err == nil {
			if len(res.Statements) == 1 && len(res.Duplicates) == 0 {
				return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/statements/%d", res.Statements[0].ID))
			}
			return s.renderStatements(c, http.StatusOK, res, form, nil)
		}
	}
	var fe *finance.Error
	if ok := asFinance(err, &fe); ok && fe.Code == finance.EValidation {
		fields := map[string]finance.Msg{}
		for k, v := range fe.Fields {
			fields[k] = v
		}
		if len(fields) == 0 {
			fields["file"] = fe.Msg
		}
		return s.renderStatements(c, http.StatusUnprocessableEntity, nil, form, fields)
	}
	return err
}

func asFinance(err error, fe **finance.Error) bool {
	e, ok := err.(*finance.Error)
	if ok {
		*fe = e
	}
	return ok
}

func (s *Server) statementPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	st, err := s.statements.FindStatementByID(ctx, id)
	if err != nil {
		return err
	}
	after, _ := strconv.Atoi(c.QueryParam("after"))
	v := &statementView{Statement: st, From: max(after, 0) + 1}
	err = s.statements.EachStatementLine(ctx, id, max(after, 0), shown+1, func(l *finance.StatementLine) error {
		if len(v.Lines) == shown {
			v.Next = v.Lines[shown-1].Seq
			return nil
		}
		line := *l
		v.Lines = append(v.Lines, &line)
		return nil
	})
	if err != nil {
		return err
	}
	if n := len(v.Lines); n > 0 {
		v.From, v.To = v.Lines[0].Seq, v.Lines[n-1].Seq
	}
	return s.renderPage(c, http.StatusOK, "statement", "stmt.one", v)
}

// statementView is a statement with one page of its lines (shown of
// them, from position From to To), and the position to go on after.
type statementView struct {
	*finance.Statement
	Lines          []*finance.StatementLine
	From, To, Next int
}

func (s *Server) reconcilePage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rc, err := s.reconcile(c, finance.ReconcileInput{StatementID: id, WindowDays: s.windowDays()}, nil)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reconciliations/%d", rc.id))
}

// reconView is the reviewer's work list: totals, the open disbursements
// and lines side by side with their candidates, and the matches to
// confirm or reject.
type reconView struct {
	R      *finance.Reconciliation
	Counts reconCounts
	// Shown and ScanIDs are the page's bounds, for its hints.
	Shown, ScanIDs int
	Statement      *finance.Statement
	Lines          map[int64]*finance.StatementLine
	Disb           map[int64]*finance.Disbursement
	OpenLines      []*openLine
	OpenDisb       []*finance.Disbursement
	Matches        []*finance.Match
	Query          string
	OnlyCands      bool
	CanAct         bool
	Me             string
}

type openLine struct {
	*finance.StatementLine
	Candidates []*finance.Disbursement
}

func (s *Server) reconciliationPage(c echo.Context) error {
	return s.renderReconciliation(c, http.StatusOK, nil)
}

func (s *Server) renderReconciliation(c echo.Context, status int, fields map[string]finance.Msg) error {
	ctx := c.Request().Context()
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	keep := &reconPage{}
	if err := s.statements.EachReconciliation(ctx, id, keep); err != nil {
		return err
	}
	rc := keep.r
	st, err := s.statements.FindStatementByID(ctx, rc.StatementID)
	if err != nil {
		return err
	}
	// the lines the page may list: the open ones it scans
	lines, err := s.statements.StatementLinesByID(ctx, st.ID, rc.UnmatchedLines)
	if err != nil {
		return err
	}
	actor := finance.ActorFrom(ctx)
	v := &reconView{R: rc, Counts: keep.counts, Shown: shown, ScanIDs: scanIDs, Statement: st, Lines: lines, Disb: map[int64]*finance.Disbursement{},
		Query: strings.TrimSpace(c.QueryParam("q")), OnlyCands: c.QueryParam("candidates") != "",
		CanAct: actor.Can(finance.ActReconcile), Me: actor.Email}
	disb := func(id int64) *finance.Disbursement {
		if d, ok := v.Disb[id]; ok {
			return d
		}
		d, err := s.disbursements.FindDisbursementByID(ctx, id)
		if err != nil {
			d = &finance.Disbursement{ID: id}
		}
		v.Disb[id] = d
		return d
	}
	cands := map[int64][]int64{}
	candOf := map[int64]bool{}
	for _, a := range rc.Ambiguous {
		cands[a.LineID] = a.Candidates
		for _, d := range a.Candidates {
			candOf[d] = true
		}
	}
	for _, id := range rc.UnmatchedLines {
		l := v.Lines[id]
		if l == nil || !v.keepLine(l) || (v.OnlyCands && len(cands[id]) == 0) || len(v.OpenLines) >= shown {
			continue
		}
		ol := &openLine{StatementLine: l}
		for _, d := range cands[id] {
			ol.Candidates = append(ol.Candidates, disb(d))
		}
		v.OpenLines = append(v.OpenLines, ol)
	}
	for _, id := range rc.UnmatchedDisbursements {
		if len(v.OpenDisb) >= shown || (v.OnlyCands && !candOf[id]) {
			continue
		}
		if d := disb(id); v.keepDisb(d) {
			v.OpenDisb = append(v.OpenDisb, d)
		}
	}
	v.Matches = rc.Matched
	for _, m := range rc.AmountMismatches {
		v.Matches = append(v.Matches, &finance.Match{ID: m.MatchID, DisbursementID: m.DisbursementID, LineID: m.LineID,
			Rule: "amount_mismatch", Difference: m.Difference, Kind: "payment", BookingDate: m.BookingDate})
	}
	for _, m := range v.Matches {
		disb(m.DisbursementID)
	}
	return s.renderForm(c, status, "reconciliation", "recon.title", v, url.Values{"q": {v.Query}}, fields)
}

const (
	shown   = 500    // the page lists this many open items of each side and matches
	scanIDs = 20_000 // the filter looks among this many open items of each side
)

// reconCounts are the lengths of a result's lists, as the page keeps only their heads.
type reconCounts struct{ OpenDisb, OpenLines, Matches int }

// reconPage keeps of a result what the page can show: the first scanIDs
// open ids of each side for the filter, the first shown matches and
// amount mismatches to confirm, the suggestions (bounded by the store)
// and every list's length.
type reconPage struct {
	r      *finance.Reconciliation
	counts reconCounts
}

func (p *reconPage) Begin(head *finance.Reconciliation) error {
	p.r = head
	return nil
}

func (p *reconPage) Item(list string, v any) error {
	r := p.r
	switch x := v.(type) {
	case *finance.Match:
		if p.counts.Matches++; len(r.Matched) < shown {
			r.Matched = append(r.Matched, x)
		}
	case *finance.AmountMismatch:
		if x.Confirmed { // listed among the matches already
			break
		}
		if p.counts.Matches++; len(r.AmountMismatches) < shown {
			r.AmountMismatches = append(r.AmountMismatches, x)
		}
	case finance.Ambiguity:
		r.Ambiguous = append(r.Ambiguous, x)
	case int64:
		if list == "unmatched_lines" {
			if p.counts.OpenLines++; len(r.UnmatchedLines) < scanIDs {
				r.UnmatchedLines = append(r.UnmatchedLines, x)
			}
		} else if p.counts.OpenDisb++; len(r.UnmatchedDisbursements) < scanIDs {
			r.UnmatchedDisbursements = append(r.UnmatchedDisbursements, x)
		}
	}
	return nil
}

func (p *reconPage) End(r *finance.Reconciliation) error {
	p.r.Totals, p.r.AmbiguousLimited = r.Totals, r.AmbiguousLimited
	return nil
}

func (v *reconView) keepLine(l *finance.StatementLine) bool {
	if v.Query == "" {
		return true
	}
	q := strings.ToLower(v.Query)
	return strings.Contains(strings.ToLower(l.Reference+" "+l.Description+" "+l.CounterpartyName+" "+l.Amount.String()), q) ||
		amountMatches(l.Amount, q)
}

func (v *reconView) keepDisb(d *finance.Disbursement) bool {
	if v.Query == "" {
		return true
	}
	q := strings.ToLower(v.Query)
	return strings.Contains(strings.ToLower(d.PaymentRef+" "+d.RecipientName+" "+d.Amount.String()), q) || amountMatches(d.Amount, q)
}

// amountMatches lets the filter take an amount as people type it (2.400.000).
func amountMatches(a money.Amount, q string) bool {
	want, err := money.ParseLocal(q)
	if err != nil {
		return false
	}
	if a.IsNegative() {
		a = a.Neg()
	}
	return a.Equal(want)
}

func (s *Server) matchPage(c echo.Context) error {
	id, f, err := idForm(c)
	if err != nil {
		return err
	}
	in := finance.ManualMatchInput{}
	fmt.Sscan(f.form.Get("disbursement_id"), &in.DisbursementID)
	fmt.Sscan(f.form.Get("line_id"), &in.LineID)
	if _, err := s.statements.MatchManually(c.Request().Context(), id, in); err != nil {
		return s.reconRefusal(c, err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reconciliations/%d", id))
}

// reconRefusal shows the reconciliation again with why an act was refused.
func (s *Server) reconRefusal(c echo.Context, err error) error {
	var fe *finance.Error
	if !asFinance(err, &fe) || fe.Code == finance.ENotFound || fe.Code == finance.EUnauthorized {
		return err
	}
	msg := fe.Msg
	for _, v := range fe.Fields {
		msg = finance.M("%s: %s", msg, v)
	}
	status := http.StatusUnprocessableEntity
	switch fe.Code {
	case finance.EConflict:
		status = http.StatusConflict
	case finance.EForbidden:
		status = http.StatusForbidden
	}
	return s.renderReconciliation(c, status, map[string]finance.Msg{formError: msg})
}

func (s *Server) confirmMatchPage(c echo.Context) error {
	id, mid, err := s.matchIDs(c)
	if err != nil {
		return err
	}
	if _, err := s.statements.ConfirmMatch(c.Request().Context(), id, mid); err != nil {
		return s.reconRefusal(c, err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reconciliations/%d", id))
}

func (s *Server) unmatchPage(c echo.Context) error {
	id, mid, err := s.matchIDs(c)
	if err != nil {
		return err
	}
	if err := s.statements.Unmatch(c.Request().Context(), id, mid); err != nil {
		return s.reconRefusal(c, err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/reconciliations/%d", id))
}
