package i18n

func init() { Register(programRuleWords) }

// programRuleWords are the words of issue 12: approval flags and their
// override, exclusion lists, historical imports and the LRA layout.
var programRuleWords = map[string][2]string{
	"audit.system":                 {"Sistem", "Sistem"},
	"report.flag.flagged":          {"Penyaluran bertanda peringatan", "Flagged disbursements"},
	"program.strict":               {"Nilai lain ditolak", "Other amounts refused"},
	"exclusion.title":              {"Daftar pengecualian", "Exclusion lists"},
	"exclusion.kind":               {"Jenis daftar", "List kind"},
	"exclusion.source":             {"Sumber", "Source"},
	"exclusion.as_of":              {"Per tanggal", "As of"},
	"exclusion.file":               {"Berkas CSV atau XLSX (kolom nik dan/atau nib)", "CSV or XLSX file (columns nik and/or nib)"},
	"exclusion.replaces":           {"Menggantikan daftar", "Replaces list"},
	"exclusion.none_replaced":      {"(daftar baru)", "(a new list)"},
	"exclusion.niks":               {"NIK", "NIKs"},
	"exclusion.nibs":               {"NIB", "NIBs"},
	"exclusion.state":              {"Keadaan", "State"},
	"exclusion.live":               {"Berlaku", "In force"},
	"exclusion.withdrawn":          {"Ditarik", "Withdrawn"},
	"exclusion.withdraw":           {"Tarik", "Withdraw"},
	"exclusion.upload":             {"Unggah daftar", "Upload a list"},
	"exclusion.uploaded":           {"Daftar tersimpan: %d NIK dan %d NIB dari %d baris; %d ditolak.", "List stored: %d NIKs and %d NIBs from %d rows; %d refused."},
	"exclusion.hashed":             {"Hanya hash berkunci (HMAC-SHA256) yang disimpan; daftar ini tidak mengungkap siapa pun.", "Only keyed hashes (HMAC-SHA256) are stored; the list discloses nobody."},
	"exclusion.kind.asn_tni_polri": {"ASN/TNI/Polri", "Civil servants, military, police"},
	"exclusion.kind.deceased":      {"Meninggal dunia", "Deceased"},
	"exclusion.kind.kur_debtor":    {"Debitur KUR", "KUR debtors"},
	"exclusion.kind.other_credit":  {"Penerima kredit lain", "Other bank credit"},
	"exclusion.kind.blacklist":     {"Daftar hitam", "Blacklist"},
	"exclusion.kind.other":         {"Lainnya", "Other"},
	"flag.title":                   {"Tanda peringatan", "Flags"},
	"flag.none":                    {"Tidak ada", "None"},
	"flag.override_reason":         {"Alasan tetap menyetujui", "Reason for approving despite flags"},
	"flag.ineligible_size_class":   {"Kelas usaha di luar sasaran program", "Size class outside the program's eligible classes"},
	"flag.outside_region":          {"Wilayah di luar sasaran program", "Region outside the program's region"},
	"flag.paid_by_other_program":   {"Sudah dibayar program lain pada tahun anggaran yang sama", "Already paid by another program in the same fiscal year"},
	"flag.amount_mismatch":         {"Nilai berbeda dari nilai tetap per penerima", "Amount differs from the fixed amount per recipient"},
	"flag.outside_period":          {"Tanggal penyaluran di luar masa program", "Disbursement date outside the program period"},
	"flag.paid_after_end":          {"Dibayar setelah program berakhir", "Paid after the program ended"},
	"flag.excluded":                {"Tercantum dalam daftar pengecualian", "On an exclusion list"},
	"flag.shared_nik":              {"NIK sama dengan penerima lain", "NIK shared with another recipient"},
}
