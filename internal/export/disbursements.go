package export

import (
	"io"
	"strconv"

	"pilar/internal/finance"
	"pilar/internal/money"
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

// DisbursementEncoder writes a disbursement export one line at a time.
type DisbursementEncoder struct {
	enc   *Encoder
	csv   *csvSink // the CSV file's sink, written to without cells
	cells cellList
}

// NewDisbursements returns an encoder writing a disbursement export in
// format (csv or xlsx) to w. Errors: bad_request (another format), those
// of excelize.
func NewDisbursements(w io.Writer, format, lang string, d Dialect) (*DisbursementEncoder, error) {
	switch format {
	case "csv":
		s := newCSVSink(w, Disbursements, d)
		return &DisbursementEncoder{enc: &Encoder{lang: lang, out: s}, csv: s}, nil
	case "xlsx":
		enc, err := NewXLSX(w, Disbursements, lang)
		return &DisbursementEncoder{enc: enc}, err
	}
	return nil, finance.Errorf(finance.EBadRequest, "format must be csv or xlsx")
}

// Encode writes one line. Errors: those of the underlying writer.
func (e *DisbursementEncoder) Encode(d *finance.DisbursementLine) error {
	if e.csv != nil {
		disbursementCells(e.csv, d)
		return e.csv.end()
	}
	e.cells = e.cells[:0]
	disbursementCells(&e.cells, d)
	return e.enc.Encode(e.cells)
}

// Close finishes the file. Errors: those of the underlying writer.
func (e *DisbursementEncoder) Close() error { return e.enc.Close(nil) }

// cellSink is where the cells of a line go, one at a time: a CSV record
// in the making, or the cells of an XLSX row.
type cellSink interface {
	int(int64)
	text(string)
	amount(money.Amount)
}

// disbursementCells gives the cells of one export line to s, in the order
// of Disbursements' columns.
func disbursementCells(s cellSink, d *finance.DisbursementLine) {
	s.int(d.ID)
	s.text(d.Program)
	s.int(d.RecipientID)
	s.text(d.RecipientName)
	s.text(d.RecipientNIK)
	s.text(d.RecipientPhone)
	s.text(d.BankCode)
	s.text(d.AccountNo)
	s.amount(d.Amount)
	s.int(int64(d.Tranche))
	s.text(d.Form)
	s.text(string(d.Status))
	s.text(d.DisbursedOn)
	s.text(opt(d.ApprovedOn))
	s.text(opt(d.PaidOn))
	s.text(opt(d.ReturnedOn))
	s.text(d.PaymentRef)
	s.text(d.Note)
	s.text(d.CreatedBy)
	s.text(opt(d.ApprovedBy))
	s.text(strconv.FormatBool(d.Reconciled))
}

// cellList collects a line's cells as the values Encoder.Encode takes.
type cellList []any

func (c *cellList) int(v int64)           { *c = append(*c, v) }
func (c *cellList) text(v string)         { *c = append(*c, v) }
func (c *cellList) amount(v money.Amount) { *c = append(*c, v) }

func opt(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
