package i18n

// Words of the recording pages: confirmations, recipient search on the
// disbursement form, rejection reasons, skip link and required marks.
func init() {
	Register(map[string][2]string{
		"notice.saved.recipient":    {"Penerima tersimpan.", "Recipient saved."},
		"notice.saved.program":      {"Program tersimpan.", "Program saved."},
		"notice.saved.disbursement": {"Penyaluran tercatat sebagai draf. Ajukan untuk direviu bila sudah benar.", "Disbursement recorded as a draft. Submit it for review when it is right."},
		"notice.acted":              {"Status penyaluran diperbarui.", "Disbursement status updated."},
		"skip.content":              {"Langsung ke isi", "Skip to content"},
		"common.required":           {"wajib", "required"},
		"pick.search":               {"Cari penerima (nama, NIK atau NIB)", "Find the recipient (name, NIK or NIB)"},
		"pick.button":               {"Cari", "Search"},
		"pick.results":              {"Pilih penerima", "Choose the recipient"},
		"pick.none":                 {"Tidak ada penerima yang cocok.", "No recipient matches."},
		"pick.required":             {"pilih penerima: cari nama, NIK atau NIB lalu pilih satu", "choose a recipient: search a name, NIK or NIB and pick one"},
		"pick.chosen":               {"Penerima terpilih", "Chosen recipient"},
		"reject.reason":             {"Alasan penolakan", "Reason for rejecting"},
		"reject.reason_required":    {"wajib diisi: tulis alasan penolakan agar petugas tahu apa yang harus diperbaiki", "is required: write why, so the officer knows what to fix"},
		"reject.reason_shown":       {"Ditolak karena", "Rejected because"},
		"review.nothing":            {"Belum ada penyaluran yang dipilih. Centang setidaknya satu baris.", "Nothing selected. Tick at least one row."},
		"review.approve_note":       {"Catatan persetujuan (opsional)", "Approval note (optional)"},
		"review.note":               {"Catatan (wajib diisi bila menolak)", "Note (required when rejecting)"},
		"form.transfer":             {"Transfer bank", "Bank transfer"},
		"form.cash":                 {"Tunai", "Cash"},
		"form.in_kind":              {"Barang/natura", "In kind"},
		"form.training_seat":        {"Kursi pelatihan", "Training seat"},
		"disb.edit":                 {"Ubah draf", "Edit draft"},
		"disb.delete":               {"Hapus draf", "Delete draft"},
		"recipient.edit":            {"Ubah penerima", "Edit recipient"},
		"notice.deleted":            {"Draf penyaluran dihapus.", "Draft disbursement deleted."},
		"dash.rejected":             {"Ditolak, perlu diperbaiki", "Rejected, to be fixed"},
	})
}
