package i18n

// Words and messages of the disbursement export (issue 16).
func init() {
	Register(map[string][2]string{
		"field.bank_code": {"Kode bank", "Bank code"},
	})
}
