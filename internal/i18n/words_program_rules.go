package i18n

func init() { Register(programRuleWords) }

// programRuleWords are the words of issue 12: approval flags and their
// override, exclusion lists, historical imports and the LRA layout.
var programRuleWords = map[string][2]string{
	"audit.system":               {"Sistem", "Sistem"},
	"report.flag.flagged":        {"Penyaluran bertanda peringatan", "Flagged disbursements"},
	"program.strict":             {"Nilai lain ditolak", "Other amounts refused"},
	"flag.title":                 {"Tanda peringatan", "Flags"},
	"flag.none":                  {"Tidak ada", "None"},
	"flag.override_reason":       {"Alasan tetap menyetujui", "Reason for approving despite flags"},
	"flag.ineligible_size_class": {"Kelas usaha di luar sasaran program", "Size class outside the program's eligible classes"},
	"flag.outside_region":        {"Wilayah di luar sasaran program", "Region outside the program's region"},
	"flag.paid_by_other_program": {"Sudah dibayar program lain pada tahun anggaran yang sama", "Already paid by another program in the same fiscal year"},
	"flag.amount_mismatch":       {"Nilai berbeda dari nilai tetap per penerima", "Amount differs from the fixed amount per recipient"},
	"flag.outside_period":        {"Tanggal penyaluran di luar masa program", "Disbursement date outside the program period"},
	"flag.paid_after_end":        {"Dibayar setelah program berakhir", "Paid after the program ended"},
	"flag.excluded":              {"Tercantum dalam daftar pengecualian", "On an exclusion list"},
	"flag.shared_nik":            {"NIK sama dengan penerima lain", "NIK shared with another recipient"},
}
