package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
	"pilar/internal/i18n"
)

// Edit pages: a draft disbursement changed or deleted, a recipient changed.
// Each is a form over the same service call as the API's PATCH or DELETE.

func (s *Server) registerEditPages(g *echo.Group) {
	g.GET("/disbursements/:id/edit", s.editDisbursementPage)
	g.POST("/disbursements/:id/edit", s.updateDisbursementPage)
	g.POST("/disbursements/:id/delete", s.deleteDisbursementPage)
	g.GET("/recipients/:id/edit", s.editRecipientPage)
	g.POST("/recipients/:id/edit", s.updateRecipientPage)
	g.GET("/audit", s.auditLogPage)
	g.GET("/audit/verify", s.auditVerifyPage)
}

type draftForm struct {
	*finance.Disbursement
	Forms []string
}

func (d draftForm) pageTitle(lang string) string { return disbursementTitle(lang, d.Disbursement) }

func (s *Server) editDisbursementPage(c echo.Context) error {
	if err := formFor(c, finance.ActRecordDisbursement); err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.disbursements.FindDisbursementByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	form := url.Values{
		"amount": {strings.TrimPrefix(d.Amount.Rupiah(), "Rp")}, "tranche": {strconv.Itoa(d.Tranche)}, "form": {d.Form},
		"disbursed_on": {d.DisbursedOn}, "payment_ref": {d.PaymentRef}, "note": {d.Note},
	}
	if l := d.Loan; l != nil {
		form.Set("loan.tenor_months", strconv.Itoa(l.TenorMonths))
		form.Set("loan.interest_rate", l.InterestRate.String())
		form.Set("loan.first_due_on", l.FirstDueOn)
	}
	return s.renderForm(c, http.StatusOK, "disbursement_edit", "disb.edit", draftForm{d, finance.Forms}, form, nil)
}

func (s *Server) updateDisbursementPage(c echo.Context) error {
	id, f, err := idForm(c)
	if err != nil {
		return err
	}
	in := finance.DisbursementInput{Amount: f.raw("amount"), Tranche: f.int("tranche"), Form: f.str("form"),
		DisbursedOn: f.str("disbursed_on"), PaymentRef: f.str("payment_ref"), Note: f.str("note"), Loan: loanInput(f)}
	f.alsoCheck(func() error {
		d, err := s.disbursements.FindDisbursementByID(c.Request().Context(), id)
		if err != nil {
			return err
		}
		if err := d.Patch(in); err != nil {
			return err
		}
		return s.checkDraft(c, d)
	})
	fields, err := f.done(func() error { _, err := s.disbursements.UpdateDisbursement(c.Request().Context(), id, in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		d, err := s.disbursements.FindDisbursementByID(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return s.renderForm(c, http.StatusUnprocessableEntity, "disbursement_edit", "disb.edit", draftForm{d, finance.Forms}, f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/disbursements/"+strconv.FormatInt(id, 10)+"?saved=disbursement")
}

func (s *Server) deleteDisbursementPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = s.disbursements.DeleteDisbursement(c.Request().Context(), id)
	if status, msgs, ok := refusal(err); ok {
		return s.renderDisbursement(c, status, id, msgs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/disbursements?deleted=1")
}

// recipientForm is the recipient form's choices and where it is sent.
type recipientForm struct {
	Kinds, Sizes []string
	Action, Back string
	Recipient    *finance.Recipient
}

func (r recipientForm) pageTitle(lang string) string {
	if r.Recipient == nil {
		return ""
	}
	return r.Recipient.Name
}

func (s *Server) editRecipientPage(c echo.Context) error {
	if err := formFor(c, finance.ActEditRecipient); err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.recipients.FindRecipientByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderForm(c, http.StatusOK, "recipient_new", "recipient.edit", editRecipientForm(r), recipientValues(r), nil)
}

func editRecipientForm(r *finance.Recipient) recipientForm {
	ref := "/recipients/" + strconv.FormatInt(r.ID, 10)
	return recipientForm{finance.RecipientKinds, finance.SizeClasses, ref + "/edit", ref, r}
}

// recipientValues fills the form with a recipient as stored; personal data
// comes masked for roles that may not see it, and a masked value sent back
// unchanged leaves the stored one as it is (the store drops the echo).
func recipientValues(r *finance.Recipient) url.Values {
	v := url.Values{}
	set := func(k, s string) { v.Set(k, s) }
	set("kind", r.Kind)
	set("name", r.Name)
	set("owner_name", r.OwnerName)
	set("nik", r.NIK)
	set("nib", r.NIB)
	set("npwp", r.NPWP)
	set("sector", r.Sector)
	set("size_class", r.SizeClass)
	set("region_code", r.RegionCode)
	set("address", r.Address)
	set("phone", r.Phone)
	set("bank_code", r.BankCode)
	set("account_no", r.AccountNo)
	set("account_holder", r.AccountHolder)
	set("legal_number", r.LegalNumber)
	if r.Capital != nil {
		set("capital", strings.TrimPrefix(r.Capital.Rupiah(), "Rp"))
	}
	if r.AnnualSales != nil {
		set("annual_sales", strings.TrimPrefix(r.AnnualSales.Rupiah(), "Rp"))
	}
	if r.Members != nil {
		set("members", strconv.Itoa(*r.Members))
	}
	if r.LastRATYear != nil {
		set("last_rat_year", strconv.Itoa(*r.LastRATYear))
	}
	return v
}

func (s *Server) updateRecipientPage(c echo.Context) error {
	id, f, err := idForm(c)
	if err != nil {
		return err
	}
	in := recipientInputOf(f)
	fields, err := f.done(func() error { _, err := s.recipients.UpdateRecipient(c.Request().Context(), id, in); return err })
	if err != nil {
		return err
	}
	if fields != nil {
		r, err := s.recipients.FindRecipientByID(c.Request().Context(), id)
		if err != nil {
			return err
		}
		return s.renderForm(c, http.StatusUnprocessableEntity, "recipient_new", "recipient.edit", editRecipientForm(r), f.form, fields)
	}
	return c.Redirect(http.StatusSeeOther, "/recipients/"+strconv.FormatInt(id, 10)+"?saved=recipient")
}

// recipientInputOf reads the recipient form, for creating and changing.
func recipientInputOf(f *formInput) finance.RecipientInput {
	return finance.RecipientInput{
		Kind: f.str("kind"), Name: f.str("name"), OwnerName: f.str("owner_name"), NIK: f.str("nik"), NIB: f.str("nib"),
		NPWP: f.str("npwp"), Sector: f.str("sector"), SizeClass: f.str("size_class"), RegionCode: f.str("region_code"),
		Address: f.str("address"), Phone: f.str("phone"), BankCode: f.str("bank_code"), AccountNo: f.str("account_no"),
		AccountHolder: f.str("account_holder"), Capital: f.raw("capital"), AnnualSales: f.raw("annual_sales"),
		LegalNumber: f.str("legal_number"), Members: f.int("members"), LastRATYear: f.int("last_rat_year"),
	}
}

// disbursementTitle names a disbursement: "Penyaluran #12 — Warung Bu Sari".
func disbursementTitle(lang string, d *finance.Disbursement) string {
	return i18n.T(lang, "disb.title_one") + " #" + strconv.FormatInt(d.ID, 10) + " — " + d.RecipientName
}
