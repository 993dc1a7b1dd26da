package i18n

// Names of the codes pages show: program kinds, funding sources, recipient
// kinds, size classes and sectors (key "code.<field>.<code>").
func init() {
	Register(map[string][2]string{
		"code.kind.grant":               {"Bantuan hibah", "Grant"},
		"code.kind.credit":              {"Kredit/permodalan", "Credit"},
		"code.kind.training":            {"Pelatihan", "Training"},
		"code.kind.certification":       {"Sertifikasi", "Certification"},
		"code.kind.in_kind":             {"Bantuan barang", "In kind"},
		"code.kind.umkm":                {"UMKM", "MSME"},
		"code.kind.koperasi":            {"Koperasi", "Cooperative"},
		"code.kind.kelompok":            {"Kelompok usaha", "Business group"},
		"code.funding_source.APBN":      {"APBN", "State budget (APBN)"},
		"code.funding_source.PEN":       {"Pemulihan Ekonomi Nasional (PEN)", "National Economic Recovery (PEN)"},
		"code.funding_source.APBD_PROV": {"APBD provinsi", "Provincial budget (APBD)"},
		"code.funding_source.APBD_KAB":  {"APBD kabupaten/kota", "Regency/city budget (APBD)"},
		"code.funding_source.DAK":       {"Dana Alokasi Khusus (DAK)", "Special allocation fund (DAK)"},
		"code.funding_source.BI":        {"Bank Indonesia", "Bank Indonesia"},
		"code.funding_source.CSR":       {"CSR", "CSR"},
		"code.funding_source.OTHER":     {"Lainnya", "Other"},
		"code.size_class.mikro":         {"Mikro", "Micro"},
		"code.size_class.kecil":         {"Kecil", "Small"},
		"code.size_class.menengah":      {"Menengah", "Medium"},
		"code.size_class.besar":         {"Besar", "Large"},
		"code.sector.kuliner":           {"Kuliner", "Food and drink"},
		"code.sector.kriya":             {"Kriya", "Crafts"},
		"code.sector.fesyen":            {"Fesyen", "Fashion"},
		"code.sector.perdagangan":       {"Perdagangan", "Trade"},
		"code.sector.pertanian":         {"Pertanian", "Agriculture"},
		"code.sector.perikanan":         {"Perikanan", "Fisheries"},
		"code.sector.jasa":              {"Jasa", "Services"},
		"code.sector.industri":          {"Industri pengolahan", "Manufacturing"},
		"code.format.csv":               {"CSV", "CSV"},
		"code.format.mt940":             {"MT940", "MT940"},
		"code.format.camt053":           {"camt.053", "camt.053"},
		"code.schedule_kind.annuity":    {"Anuitas", "Annuity"},
		"code.schedule_kind.flat":       {"Flat", "Flat"},
		"code.kind.payment":             {"Pembayaran", "Payment"},
		"code.kind.retur":               {"Dana retur", "Return"},
	})
}

// Name is the name of a code in lang: "code.<field>.<code>", else the
// status, form or role word, else the code itself.
func Name(lang, field, code string) string {
	for _, k := range []string{"code." + field + "." + code, field + "." + code} {
		if w := T(lang, k); w != k {
			return w
		}
	}
	return code
}
