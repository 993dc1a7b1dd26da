package export

import (
	"io"

	"pilar/internal/finance"
	"pilar/internal/report"
)

// Disbursements is the table of a disbursement export
// (GET /api/v1/disbursements/export): one row per disbursement, with the
// recipient's identifiers as the store gives them (masked per role).
var Disbursements = report.Table{
	Sheet: "Penyaluran",
	Columns: []report.Column{
		{Name: "id", Title: "field.id", Cell: report.CellCount},
		{Name: "program", Title: "field.program"},
		{Name: "recipient_id", Title: "disb.recipient", Cell: report.CellCount},
		{Name: "recipient_name", Title: "disb.recipient_name"},
		{Name: "recipient_nik", Title: "field.nik"},
		{Name: "recipient_phone", Title: "field.phone"},
		{Name: "bank_code", Title: "field.bank_code"},
		{Name: "account_no", Title: "field.account_no"},
		{Name: "amount", Title: "field.amount", Cell: report.CellMoney},
		{Name: "tranche", Title: "field.tranche", Cell: report.CellCount},
		{Name: "form", Title: "field.form"},
		{Name: "status", Title: "field.status"},
		{Name: "disbursed_on", Title: "field.disbursed_on"},
		{Name: "approved_on", Title: "field.approved_on"},
		{Name: "paid_on", Title: "field.paid_on"},
		{Name: "returned_on", Title: "field.returned_on"},
		{Name: "payment_ref", Title: "field.payment_ref"},
		{Name: "note", Title: "field.note"},
		{Name: "created_by", Title: "field.created_by"},
		{Name: "approved_by", Title: "field.approved_by"},
		{Name: "reconciled", Title: "field.reconciled"},
	},
}

// NewDisbursements returns an encoder writing a disbursement export in
// format (csv or xlsx) to w. Errors: bad_request (another format), those
// of excelize.
func NewDisbursements(w io.Writer, format, lang string, d Dialect) (*Encoder, error) {
	switch format {
	case "csv":
		return NewCSVDialect(w, Disbursements, lang, d), nil
	case "xlsx":
		return NewXLSX(w, Disbursements, lang)
	}
	return nil, finance.Errorf(finance.EBadRequest, "format must be csv or xlsx")
}

// DisbursementCells are the cells of one export row, in the order of
// Disbursements' columns; cells is reused when it has room.
func DisbursementCells(cells []any, d *finance.DisbursementLine) []any {
	reconciled := "false"
	if d.Reconciled {
		reconciled = "true"
	}
	return append(cells[:0], d.ID, d.Program, d.RecipientID, d.RecipientName, d.RecipientNIK, d.RecipientPhone, d.BankCode, d.AccountNo,
		d.Amount, int64(d.Tranche), d.Form, string(d.Status), d.DisbursedOn, opt(d.ApprovedOn), opt(d.PaidOn), opt(d.ReturnedOn),
		d.PaymentRef, d.Note, d.CreatedBy, opt(d.ApprovedBy), reconciled)
}

func opt(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
