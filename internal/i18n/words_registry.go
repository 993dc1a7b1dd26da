package i18n

// Words of the registry statistics (issue 14).
func init() {
	Register(map[string][2]string{
		"report.registry":               {"Statistik registri", "Registry statistics"},
		"report.as_of":                  {"Per tanggal", "As of"},
		"report.registry.none":          {"Tidak diisi", "Not recorded"},
		"report.region":                 {"Wilayah (kode)", "Region (code)"},
		"report.prev_as_of":             {"setahun sebelumnya", "a year earlier"},
		"report.group.kind":             {"jenis penerima", "recipient kind"},
		"report.col.reg_count":          {"Jumlah", "Count"},
		"report.col.reg_count_prev":     {"Jumlah setahun sebelumnya", "Count a year earlier"},
		"report.col.reg_growth":         {"Pertumbuhan (unit)", "Growth (units)"},
		"report.col.reg_growth_pct":     {"Pertumbuhan (%)", "Growth (%)"},
		"report.col.reg_workforce":      {"Tenaga kerja", "Workforce"},
		"report.col.reg_naik_kelas":     {"Naik kelas", "Moved up a class"},
		"report.koperasi":               {"Kesehatan koperasi", "Koperasi health"},
		"report.koperasi.total":         {"Koperasi terdaftar", "Koperasi registered"},
		"report.koperasi.active":        {"Aktif", "Active"},
		"report.koperasi.inactive":      {"Tidak aktif", "Inactive"},
		"report.koperasi.rat_held":      {"RAT tahun buku lalu", "RAT held for the last fiscal year"},
		"report.koperasi.rat_overdue":   {"RAT terlambat", "RAT overdue"},
		"report.koperasi.improved":      {"Meningkat (RAT, volume usaha dan aset)", "Improved (RAT, business volume and assets)"},
		"report.koperasi.last_rat_year": {"RAT terakhir", "Last RAT"},
		"report.chart.registry":         {"Penerima per kelompok", "Recipients per group"},
		"report.chart.registry_desc":    {"Batang abu-abu: setahun sebelumnya; batang biru: per tanggal.", "Grey bars: a year earlier; blue bars: as of the date."},
	})
	RegisterMessages(map[string][2]string{
		"the registry report is not available":                        {"laporan registri tidak tersedia", ""},
		"as_of must be a date as YYYY-MM-DD":                          {"as_of harus tanggal berbentuk YYYY-MM-DD", ""},
		"region must be a Kemendagri region code such as 64 or 64.72": {"region harus kode wilayah Kemendagri seperti 64 atau 64.72", ""},
	})
}
