package i18n

// Words of the batch grid (one tranche or a training class at once) and
// of list paging.
func init() {
	Register(map[string][2]string{
		"batch.title":          {"Catat penyaluran sekaligus", "Record disbursements in a batch"},
		"batch.link":           {"Catat sekaligus (satu tahap atau satu angkatan pelatihan)", "Record a batch (one tranche or a training class)"},
		"batch.amount":         {"Nilai untuk semua baris", "Amount for every row"},
		"batch.amount_hint":    {"Baris yang punya nilai sendiri memakai nilainya sendiri.", "A row with its own amount uses that instead."},
		"batch.paste":          {"Tempel dari spreadsheet", "Paste from a spreadsheet"},
		"batch.paste_hint":     {"Satu penerima per baris: NIK, NIB atau nama; boleh diikuti ;nilai (atau tab), misalnya 6472014107900001;2.400.000.", "One recipient per line: NIK, NIB or name; optionally followed by ;amount (or a tab), e.g. 6472014107900001;2.400.000."},
		"batch.add":            {"Masukkan ke tabel", "Add to the table"},
		"batch.pick":           {"Atau cari dan pilih penerima", "Or find and pick recipients"},
		"batch.add_picked":     {"Masukkan yang dipilih ke tabel", "Add the chosen ones to the table"},
		"batch.grid":           {"Baris penyaluran (paling banyak %d)", "Disbursement rows (at most %d)"},
		"batch.no":             {"No.", "No."},
		"batch.who":            {"NIK, NIB atau nama penerima", "Recipient's NIK, NIB or name"},
		"batch.row_amount":     {"Nilai baris ini", "This row's amount"},
		"batch.result":         {"Keterangan", "Result"},
		"batch.remove":         {"Hapus baris", "Remove row"},
		"batch.add_row":        {"Tambah baris", "Add a row"},
		"batch.submit":         {"Langsung ajukan untuk direviu", "Submit them for review at once"},
		"batch.save":           {"Simpan semua baris", "Save every row"},
		"batch.recorded":       {"%d penyaluran tercatat", "%d disbursements recorded"},
		"batch.refused":        {"%d baris ditolak dan tetap di tabel; perbaiki lalu simpan lagi.", "%d rows were refused and stay in the table; correct them and save again."},
		"batch.submit_refused": {"pengajuan ditolak, tetap draf", "not submitted, still a draft"},
		"common.prev":          {"Sebelumnya", "Previous"},
		"list.pages":           {"Halaman daftar", "List pages"},
		"list.total":           {"%s data cocok", "%s match"},
		"list.q_recipient":     {"nama penerima", "recipient's name"},
		"list.from":            {"Dari tanggal", "From"},
		"list.to":              {"Sampai tanggal", "To"},
		"list.order":           {"Urutan", "Order"},
		"list.newest":          {"Terbaru dahulu", "Newest first"},
		"list.oldest":          {"Terlama dahulu", "Oldest first"},
	})
}
