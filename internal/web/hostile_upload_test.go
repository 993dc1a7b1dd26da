package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestHostileUploadFields sends NUL bytes, bytes that are not UTF-8 and
// over-long text in the form fields of the statement and exclusion-list
// uploads (which the query and form guard cannot read without consuming
// the body): each is a 422 naming the field, and nothing is written.
func TestHostileUploadFields(t *testing.T) {
	t.Parallel()
	statement := "booking_date,amount,reference\n2024-07-01,-2400000,BPUM-1\n"
	list := "nik\n6472014506850001\n"
	for _, tc := range []struct {
		name, field, value string
	}{
		{"StatementAccountNUL", "account", "0123\x00456"},
		{"StatementAccountNotUTF8", "account", "0123\xff456"},
		{"StatementAccountTooLong", "account", strings.Repeat("9", 65)},
		{"StatementAgencyNUL", "agency", "X\x00"},
		{"ListSourceNUL", "source", "BKD\x00Kaltim"},
		{"ListSourceNotUTF8", "source", "BKD \xc3\x28"},
		{"ListSourceTooLong", "source", strings.Repeat("s", 201)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			before := e.auditRows(t)
			var m map[string]any
			if strings.HasPrefix(tc.name, "Statement") {
				fields := map[string]string{"format": "csv", "account": "0123456789", tc.field: tc.value}
				m = e.expect(t, e.statementUpload(t, e.w.Officer, statement, fields), http.StatusUnprocessableEntity)
			} else {
				fields := map[string]string{"kind": "deceased", "source": "Dukcapil", "as_of": "2024-02-29", tc.field: tc.value}
				m = e.expect(t, e.uploadList(t, e.w.Admin, "list.csv", []byte(list), fields), http.StatusUnprocessableEntity)
			}
			if errorCode(m) != "validation_failed" || errorField(m, tc.field) == "" {
				t.Fatalf("%s: %v, want validation_failed naming %s", tc.name, m, tc.field)
			}
			if after := e.auditRows(t); after != before {
				t.Fatalf("%d audit entries written by a refused upload", after-before)
			}
		})
	}
}
