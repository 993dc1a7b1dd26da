package i18n

// Words of the realization report's credit columns: principal repaid and
// what is available, a revolving fund's repaid principal included (issue 15).
func init() {
	Register(map[string][2]string{
		"report.col.realization_available": {"Tersedia", "Available"},
		"report.available_note": {"Tersedia = sisa anggaran, ditambah pokok pinjaman yang telah kembali pada program dana bergulir (dapat disalurkan lagi); pokok yang kembali pada program lain disetor ke kas daerah dan tidak menambah yang tersedia.",
			"Available = remaining budget, plus the loan principal repaid in revolving programs (dana bergulir), which may be lent again; principal repaid in other programs goes back to the treasury and adds nothing to what is available."},
	})
}
