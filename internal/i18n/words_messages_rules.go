package i18n

func init() { RegisterMessages(ruleMessageWords) }

// ruleMessageWords are the messages of program rules, exclusion lists,
// historical imports, identifier lookups and busy databases (finance.Msg
// keys, English text as the key, as in messageWords).
var ruleMessageWords = map[string][2]string{
	"is required: this disbursement is flagged (%s); say why it is approved all the same": {"wajib diisi: penyaluran ini ditandai (%s); jelaskan mengapa tetap disetujui", ""},
	"must be at most 1000 characters":                                                                                       {"paling panjang 1000 karakter", ""},
	"must be at most 200 characters":                                                                                        {"paling panjang 200 karakter", ""},
	"must be within the program's period, %s to %s":                                                                         {"harus dalam masa program, %s sampai %s", ""},
	"is required: who issued the list (such as BKD Provinsi Kaltim or Dukcapil)":                                            {"wajib diisi: penerbit daftar (misalnya BKD Provinsi Kaltim atau Dukcapil)", ""},
	"the header names neither a nik nor a nib column (the first row must be the header)":                                    {"baris judul tidak memuat kolom nik maupun nib (baris pertama harus baris judul)", ""},
	"needs a nik or nib column":                                                                                             {"memerlukan kolom nik atau nib", ""},
	"only disbursements can be imported as history":                                                                         {"hanya penyaluran yang dapat diimpor sebagai riwayat", ""},
	"is required in a historical import: the day it was paid":                                                               {"wajib diisi pada impor riwayat: tanggal dibayar", ""},
	"the database is busy (a large import is writing); try again in a few seconds":                                          {"basis data sedang sibuk (impor besar sedang menulis); coba lagi beberapa detik lagi", ""},
	"exclusion list %d was already withdrawn":                                                                               {"daftar pengecualian %d sudah ditarik", ""},
	"exclusion lists need a key: set exclusion.key in config.yaml (or PILAR_EXCLUSION_KEY) to 32 or more random characters": {"daftar pengecualian memerlukan kunci: isi exclusion.key di config.yaml (atau PILAR_EXCLUSION_KEY) dengan 32 karakter acak atau lebih", ""},
	"%d of %d rows were refused; as the import is atomic, nothing was written. The other rows are not counted as created or skipped: that would answer more NIK lookups than are left this hour": {"%d dari %d baris ditolak; karena impor bersifat atomik, tidak ada yang disimpan. Baris lainnya tidak dihitung sebagai dibuat atau dilewati: itu akan menjawab lebih banyak pencarian NIK daripada sisa jatah jam ini", ""},
	"the NIK lookups of this hour are used up (%d); the row was not checked. Try again after %s, or ask an admin":                                                                                {"pencarian NIK dalam satu jam ini sudah habis (%d); baris ini tidak diperiksa. Coba lagi setelah %s, atau hubungi admin", ""},
	"you have looked up %d identifiers (NIK, NIB, account or phone) this hour, the most allowed; try again after %s, or ask an admin":                                                            {"Anda sudah mencari %d identitas (NIK, NIB, rekening atau telepon) dalam satu jam ini, batas yang diizinkan; coba lagi setelah %s, atau hubungi admin", ""},
	"an umkm with this NIK is already registered":                      {"UMKM dengan NIK ini sudah terdaftar", ""},
	"already registered":                                               {"sudah terdaftar", ""},
	"this download has expired or is not yours; import the file again": {"unduhan ini sudah kedaluwarsa atau bukan milik Anda; impor berkas itu lagi", ""},
	"%s — approved despite the flags: %s":                              {"%s — disetujui meskipun ditandai: %s", ""},
	"%s — awaiting approval":                                           {"%s — menunggu persetujuan", ""},
	"%s — not overridden (%s)":                                         {"%s — tidak dikecualikan (%s)", ""},
	"%s; %s: %s":                                                       {"%s; %s: %s", ""}, // a row's first field error, then each further field by name
	"must be the id of the list this one replaces":                     {"harus id daftar yang digantikan oleh daftar ini", ""},
}
