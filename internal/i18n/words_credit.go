package i18n

// Words of credit programs: loans, repayments and the credit and subsidy reports (issue 15).
func init() {
	Register(map[string][2]string{
		"report.credit":               {"Kredit", "Credit"},
		"report.subsidy":              {"Klaim subsidi bunga", "Interest subsidy claims"},
		"report.group.kolektibilitas": {"kolektibilitas", "kolektibilitas"},
		"report.col.loans":            {"Pinjaman", "Loans"},
		"report.col.disbursed":        {"Pokok disalurkan", "Principal lent"},
		"report.col.outstanding":      {"Baki debet", "Outstanding"},
		"report.col.npl":              {"NPL (kol. 3–5)", "NPL (kol. 3–5)"},
		"report.col.npl_pct":          {"Rasio NPL %", "NPL ratio %"},
		"report.col.principal_repaid": {"Pokok kembali", "Principal repaid"},
		"report.col.interest_repaid":  {"Bunga dibayar", "Interest paid"},
		"report.col.subsidy":          {"Subsidi bunga", "Interest subsidy"},
		"report.col.available":        {"Dapat disalurkan lagi", "Available to lend"},
		"report.col.program":          {"Program", "Program"},
		"report.col.month":            {"Bulan", "Month"},
		"credit.revolving":            {"dana bergulir", "revolving fund"},
		"credit.no_subsidy":           {"Belum ada subsidi bunga.", "No interest subsidy yet."},
	})
}
