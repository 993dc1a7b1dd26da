package i18n

func init() { RegisterMessages(pagescMessageWords) }

// pagescMessageWords are the disbursement flags' messages (finance.Msg
// keys, English text as the key, as in messageWords).
var pagescMessageWords = map[string][2]string{
	"already paid in fiscal year %d by %s":                      {"sudah dibayar pada tahun anggaran %d oleh %s", ""},
	"disbursed_on %s is outside the program's period, %s to %s": {"tanggal penyaluran %s di luar masa program %s sampai %s", ""},
	"the %s is on exclusion list %d (%s, %s, as of %s)":         {"%s tercantum dalam daftar pengecualian %d (%s, %s, per %s)", ""},
	"the %s is also that of recipient(s) %s":                    {"%s sama dengan milik penerima %s", ""},
	"paid after the program ended (paid %s, program ended %s)":  {"dibayar setelah program berakhir (dibayar %s, program berakhir %s)", ""},
	"bank account": {"rekening bank", ""},
	"NIK":          {"NIK", ""},
	"NIB":          {"NIB", ""},
}
