package i18n

// Words of the reconciliation page at scale (issue 11).
func init() {
	Register(map[string][2]string{
		"recon.shown_of": {"Ditampilkan %d pertama dari %d; saring untuk mempersempit (penyaringan melihat %d pertama).",
			"The first %d of %d are shown; filter to narrow (the filter looks at the first %d)."},
		"recon.matches_shown": {"Ditampilkan %d kecocokan pertama dari %d.", "The first %d of %d matches are shown."},
		"recon.suggest_limited": {"Kandidat diusulkan untuk %d mutasi terbuka pertama, paling banyak %d per mutasi.",
			"Candidates are proposed for the first %d open lines, at most %d each."},
	})
}
