package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/i18n"
	"pilar/internal/money"
)

// batchMaxRows bounds one batch: a tranche or a training class, typed or
// pasted; a whole file goes through the import page.
const batchMaxRows = 200

// batchLine is one row of the batch grid as typed: who gets it (a NIK, a
// NIB, a name, or "#id" for a recipient picked from a search) and the
// row's own amount, or "" for the amount common to all rows.
type batchLine struct {
	Who, Amount string
}

// batchHeaders are first cells that make a pasted line a header.
var batchHeaders = []string{"nik", "nib", "nik/nib", "nama", "name", "penerima", "recipient", "nik_penerima", "recipient_nik"}

// parseBatchPaste reads pasted lines, one row each: "who" or "who;amount"
// (a tab, as a spreadsheet pastes, works as the ";"; cells past the second
// are ignored). Blank lines and a first line naming the columns are
// skipped. Cells are trimmed and hold no control characters.
func parseBatchPaste(text string) []batchLine {
	var out []batchLine
	first := true
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		sep := ";"
		if strings.Contains(line, "\t") {
			sep = "\t"
		}
		cells := strings.Split(line, sep)
		for i := range cells {
			cells[i] = cleanCell(cells[i])
		}
		if cells[0] == "" {
			continue
		}
		if first && slices.Contains(batchHeaders, strings.ToLower(cells[0])) {
			first = false
			continue
		}
		first = false
		l := batchLine{Who: cells[0]}
		if len(cells) > 1 {
			l.Amount = cells[1]
		}
		out = append(out, l)
	}
	return out
}

// cleanCell trims a cell and drops control characters (a tab, a NUL) and
// quotes a spreadsheet may put around it.
func cleanCell(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"`))
}

// batchRow is a row of the grid as shown: what was typed, the recipient's
// name when known, and why the row was refused.
type batchRow struct {
	batchLine
	Name string
	Err  string
}

// batchResult is a row that was recorded: the new disbursement and its
// status, and why submitting it was refused, if it was.
type batchResult struct {
	Name      string
	ID        int64
	Amount    string
	Status    finance.Status
	SubmitErr string
}

// batchView is the batch page: the common fields (in the form), the grid,
// the recipient search, and after a save the rows recorded.
type batchView struct {
	Programs   []programGroup
	Forms      []string
	Rows       []batchRow
	Searched   bool
	Candidates []*finance.Recipient
	Results    []batchResult
	Refused    int
	Max        int
}

// batchPage is the batch grid: one program, date and reference for many
// recipients, one amount for all (the program's fixed amount when it has
// one) or one per row.
func (s *Server) batchPage(c echo.Context) error {
	if err := formFor(c, finance.ActRecordDisbursement); err != nil {
		return err
	}
	form := url.Values{"tranche": {"1"}, "form": {"transfer"}}
	for _, k := range []string{"program", "tranche", "form", "disbursed_on"} {
		if v := c.QueryParam(k); v != "" {
			form.Set(k, v)
		}
	}
	v, err := s.batchData(c, form, nil)
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "disbursement_batch", "batch.title", v, form, nil)
}

// batchData loads the programs, prefills the amount, and shows the rows;
// the names of picked recipients ("#id") are looked up, other rows are
// named once saved.
func (s *Server) batchData(c echo.Context, form url.Values, rows []batchRow) (batchView, error) {
	programs, err := s.activePrograms(c)
	if err != nil {
		return batchView{}, err
	}
	prefillAmount(programs, form)
	for i := range rows {
		if id, ok := pickedID(rows[i].Who); ok && rows[i].Name == "" {
			if r, err := s.recipients.FindRecipientByID(c.Request().Context(), id); err == nil {
				rows[i].Name = r.Name
			}
		}
	}
	return batchView{Programs: programGroups(programs), Forms: finance.Forms, Rows: rows, Max: batchMaxRows}, nil
}

// pickedID reads "#id", a recipient picked from a search.
func pickedID(who string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(who, "#"), 10, 64)
	return id, strings.HasPrefix(who, "#") && err == nil && id > 0
}

// gridOf reads the grid's rows (parallel fields who and row_amount), then
// the pasted lines and the picked recipients, which join the grid; it says
// how many joined.
func gridOf(form url.Values) (rows []batchRow, joined int) {
	add := func(l batchLine) {
		if l.Who != "" {
			rows = append(rows, batchRow{batchLine: l})
		}
	}
	amounts := form["row_amount"]
	for i, who := range form["who"] {
		l := batchLine{Who: cleanCell(who)}
		if i < len(amounts) {
			l.Amount = cleanCell(amounts[i])
		}
		add(l)
	}
	typed := len(rows)
	for _, l := range parseBatchPaste(form.Get("paste")) {
		add(l)
	}
	for _, id := range form["pick"] {
		if _, ok := pickedID("#" + id); ok {
			add(batchLine{Who: "#" + id})
		}
	}
	form.Del("paste")
	form.Del("pick")
	return rows, len(rows) - typed
}

// saveBatchPage is the batch form's buttons: search shows recipients to
// pick, add puts pasted and picked rows in the grid, and save records a
// draft per row (and submits them when asked), each row on its own, as
// the single form would. Recorded rows leave the grid and are listed with
// links; refused rows stay, each with its reason, to be corrected.
func (s *Server) saveBatchPage(c echo.Context) error {
	if err := formFor(c, finance.ActRecordDisbursement); err != nil {
		return err
	}
	f, err := newFormInput(c)
	if err != nil {
		return err
	}
	rows, joined := gridOf(f.form)
	render := func(status int, v batchView, fields map[string]finance.Msg) error {
		return s.renderForm(c, status, "disbursement_batch", "batch.title", v, f.form, fields)
	}
	op := f.form.Get("op")
	if op == "search" || op == "add" {
		v, err := s.batchData(c, f.form, rows)
		if err != nil {
			return err
		}
		if q := strings.TrimSpace(f.form.Get("recipient_q")); op == "search" && q != "" {
			filter := recipientQuery(q)
			filter.Page = finance.Page{Limit: 50}
			v.Searched = true
			if v.Candidates, _, err = s.recipients.FindRecipients(c.Request().Context(), filter); err != nil {
				if _, msgs, ok := refusal(err); ok {
					return render(http.StatusUnprocessableEntity, v, msgs)
				}
				return err
			}
		}
		if op == "add" && joined == 0 { // nothing pasted or ticked: say so
			return render(http.StatusUnprocessableEntity, v, map[string]finance.Msg{formError: finance.M("nothing to add: paste lines or tick recipients first")})
		}
		return render(http.StatusOK, v, nil)
	}
	in := finance.DisbursementInput{
		Program: f.str("program"), Tranche: f.int("tranche"), Form: f.str("form"),
		DisbursedOn: f.str("disbursed_on"), PaymentRef: f.str("payment_ref"), Note: f.str("note"),
	}
	switch {
	case len(rows) == 0:
		f.fields.Add(formError, "add at least one row: paste NIKs, NIBs or names, or pick recipients")
	case len(rows) > batchMaxRows:
		f.fields.Add(formError, "at most %d rows at once; use the import page for more", batchMaxRows)
	}
	common := f.raw("amount") // an unreadable one is refused once, at the field
	if len(f.fields) > 0 {
		v, err := s.batchData(c, f.form, rows)
		if err != nil {
			return err
		}
		return render(http.StatusUnprocessableEntity, v, f.fields)
	}
	lang := langOf(c, s.cfg.Lang)
	var results []batchResult
	var refused []batchRow
	fields := map[string]finance.Msg{}
	for _, row := range rows {
		res, err := s.recordBatchRow(c, in, common, row)
		if err == nil {
			results = append(results, res)
			continue
		}
		// Not this person's to record (another agency's program): the
		// whole batch is refused, as the single form is.
		var fe *finance.Error
		if !errors.As(err, &fe) || fe.Code == finance.EInternal || fe.Code == finance.EForbidden {
			return err
		}
		// A refusal of a field all rows share is said once, at the field.
		for k, m := range fe.Fields {
			if slices.Contains(batchCommonFields, k) {
				fields[k] = m
			}
		}
		row.Err = rowMessage(lang, err)
		refused = append(refused, row)
	}
	if f.form.Get("submit") != "" && len(results) > 0 {
		if err := s.submitBatch(c, lang, results); err != nil {
			return err
		}
	}
	v, err := s.batchData(c, f.form, refused)
	if err != nil {
		return err
	}
	v.Results, v.Refused = results, len(refused)
	if len(refused) > 0 {
		return render(http.StatusUnprocessableEntity, v, fields)
	}
	return render(http.StatusOK, v, nil)
}

// batchCommonFields are the fields every row of a batch shares.
var batchCommonFields = []string{"program", "tranche", "form", "disbursed_on", "payment_ref", "note"}

// recordBatchRow finds the row's recipient and records its draft with the
// common fields and the row's amount, or the common one.
func (s *Server) recordBatchRow(c echo.Context, in finance.DisbursementInput, common *money.Raw, row batchRow) (batchResult, error) {
	r, err := s.batchRecipient(c, row.Who)
	if err != nil {
		return batchResult{}, err
	}
	in.RecipientID = &r.ID
	in.Amount = common
	if row.Amount != "" {
		a, msg := localAmount(row.Amount)
		if msg != nil {
			return batchResult{}, finance.Fields{"amount": *msg}.Err()
		}
		in.Amount = &a
	}
	d, err := s.disbursements.CreateDisbursement(c.Request().Context(), in)
	if err != nil {
		return batchResult{}, err
	}
	return batchResult{Name: r.Name, ID: d.ID, Amount: d.Amount.Rupiah(), Status: d.Status}, nil
}

// batchRecipient finds the one recipient a row names: "#id" as picked, a
// NIK or NIB by the search of the single form, or a name, which must be
// one recipient's (exactly, or as the only match). Errors: on the field
// recipient (validation_failed), too_many_requests (identifier lookups).
func (s *Server) batchRecipient(c echo.Context, who string) (*finance.Recipient, error) {
	ctx := c.Request().Context()
	if id, ok := pickedID(who); ok {
		r, err := s.recipients.FindRecipientByID(ctx, id)
		if finance.ErrorCode(err) == finance.ENotFound {
			return nil, finance.FieldError("recipient", "no recipient has id %d", id)
		}
		return r, err
	}
	filter := recipientQuery(who)
	filter.Page = finance.Page{Limit: 21}
	found, _, err := s.recipients.FindRecipients(ctx, filter)
	if err != nil {
		return nil, err
	}
	if filter.Q != "" { // a name: an exact match wins over names that contain it
		var exact []*finance.Recipient
		for _, r := range found {
			if strings.EqualFold(strings.TrimSpace(r.Name), strings.TrimSpace(who)) {
				exact = append(exact, r)
			}
		}
		if len(exact) > 0 {
			found = exact
		}
	}
	if filter.NIK != "" && len(found) > 1 { // a NIK is unique among umkm; others may share it
		var umkm []*finance.Recipient
		for _, r := range found {
			if r.Kind == "umkm" {
				umkm = append(umkm, r)
			}
		}
		if len(umkm) == 1 {
			found = umkm
		}
	}
	switch {
	case len(found) == 0:
		return nil, finance.FieldError("recipient", "no recipient has this name, NIK or NIB; register the recipient first")
	case len(found) > 1:
		return nil, finance.FieldError("recipient", "several recipients match; give the NIK or pick one from the search")
	}
	return found[0], nil
}

// submitBatch submits the recorded drafts, each on its own; a refused one
// stays a draft and says why.
func (s *Server) submitBatch(c echo.Context, lang string, results []batchResult) error {
	ids := make([]int64, len(results))
	for i, r := range results {
		ids[i] = r.ID
	}
	done, err := s.lifecycle.ActOnDisbursements(c.Request().Context(), ids, finance.ActionSubmit, finance.ActionInput{})
	if err != nil {
		return err
	}
	for i, d := range done {
		if d.Err != nil {
			results[i].SubmitErr = rowMessage(lang, d.Err)
		} else {
			results[i].Status = d.Disbursement.Status
		}
	}
	return nil
}

// batchFieldWords name a refused row's fields on the page.
var batchFieldWords = map[string]string{
	"recipient": "disb.recipient_name", "recipient_id": "disb.recipient_name", "amount": "disb.amount",
	"program": "disb.program", "tranche": "disb.tranche", "form": "disb.form", "disbursed_on": "disb.date",
	"payment_ref": "disb.ref", "note": "disb.note",
}

// rowMessage is why a row was refused, in lang: the message, or each
// field by its name with its message.
func rowMessage(lang string, err error) string {
	d := classify(err).detail(lang)
	if len(d.Fields) == 0 {
		return d.Message
	}
	keys := make([]string, 0, len(d.Fields))
	for k := range d.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		label := k
		if w, ok := batchFieldWords[k]; ok {
			label = i18n.T(lang, w)
		}
		parts[i] = label + ": " + d.Fields[k]
	}
	return strings.Join(parts, "; ")
}
