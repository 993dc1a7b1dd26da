package i18n

// Words of the reconciliation page at scale (issue 11).
func init() {
	Register(map[string][2]string{
		"recon.shown_of": {"Ditampilkan %d pertama dari %d; saring untuk mempersempit (penyaringan melihat %d pertama).",
			"The first %d of %d are shown; filter to narrow (the filter looks at the first %d)."},
		"recon.matches_shown": {"Ditampilkan %d kecocokan pertama dari %d.", "The first %d of %d matches are shown."},
		"recon.suggest_limited": {"Kandidat diusulkan untuk %d mutasi terbuka pertama, paling banyak %d per mutasi.",
			"Candidates are proposed for the first %d open lines, at most %d each."},
		"stmt.lines_range": {"Baris %s–%s dari %s.", "Lines %s–%s of %s."},
		"stmt.first_lines": {"← Baris pertama", "← First lines"},
		"stmt.next_lines":  {"Baris berikutnya →", "Next lines →"},
	})
}
