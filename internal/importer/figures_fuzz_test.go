package importer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"pilar/internal/finance"
)

// FuzzFiguresRow feeds arbitrary cells to the figures row reader and the
// row's checks: they never panic, a refusal is a validation_failed naming
// fields, and a row they accept has a real date and values a recipient
// accepts.
func FuzzFiguresRow(f *testing.F) {
	f.Add("6472014506850001;;;;2023-12-31;Kecil;;;;;5;")
	f.Add(";;AHU-0001;;31/12/2023;;ya;130;1.200.000.000;600.000.000;;2023")
	f.Add(";9120000000002;;;45291;;;;;;3;")
	f.Add(";;;12;2023-02-30;besar;maybe;-1;1e3;;x;99999")
	f.Add("'=1;\x00;;99999999999999999999;;;;;;;;")
	header := strings.Split("nik;nib;legal_number;recipient_id;valid_from;size_class;active;members;business_volume;assets;workforce;last_rat_year", ";")
	m, err := newMapper(Options{Kind: Figures}, header)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		fields := finance.Fields{}
		row := m.figures(strings.Split(line, ";"), fields)
		err := fields.Err()
		if err == nil {
			err = row.Check()
		}
		if err == nil {
			r := finance.Recipient{Kind: "koperasi", Name: "Koperasi", LegalNumber: "AHU-1"}
			err = r.Patch(row.Input())
		}
		if err != nil {
			var e *finance.Error
			if finance.ErrorCode(err) != finance.EValidation || !errors.As(err, &e) || len(e.Fields) == 0 {
				t.Fatalf("%q: %v, want validation_failed naming fields", line, err)
			}
			return
		}
		if _, perr := time.Parse(time.DateOnly, row.ValidFrom); perr != nil {
			t.Fatalf("%q accepted with valid_from %q", line, row.ValidFrom)
		}
		if row.RecipientID == nil && row.NIK == "" && row.NIB == "" && row.LegalNumber == "" {
			t.Fatalf("%q accepted without an identifier", line)
		}
	})
}
