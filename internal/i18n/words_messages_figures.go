package i18n

func init() {
	RegisterMessages(figuresMessageWords)
	Register(map[string][2]string{
		"import.figures": {"Angka tahunan penerima (statistik registri)", "Yearly figures of recipients (registry statistics)"},
	})
}

// figuresMessageWords are the messages of the yearly figures import
// (issue 14), as in messageWords.
var figuresMessageWords = map[string][2]string{
	"give recipient_id, nik, nib or legal_number":       {"isi recipient_id, nik, nib atau legal_number", ""},
	"must be a recipient's id, a whole number above 0":  {"harus id penerima, bilangan bulat di atas 0", ""},
	"is required: the date from which the figures hold": {"wajib diisi: tanggal mulai berlakunya angka", ""},
	"the row gives no figures: fill at least one of size_class, active, members, business_volume, assets, workforce or last_rat_year": {
		"baris ini tidak memuat angka: isi paling sedikit satu dari size_class, active, members, business_volume, assets, workforce atau last_rat_year", ""},
	"no koperasi has this legal number; import or register the koperasi first":              {"tidak ada koperasi dengan nomor badan hukum ini; impor atau daftarkan koperasinya dahulu", ""},
	"several recipients share this NIB; give the nik, legal_number or recipient_id instead": {"beberapa penerima memakai NIB ini; isi nik, legal_number atau recipient_id sebagai gantinya", ""},
	"names another recipient than the %s does":                                              {"menunjuk penerima lain daripada %s", ""},
	"must be recipients, disbursements or figures":                                          {"harus recipients, disbursements atau figures", ""},
}
