package i18n

func init() { RegisterMessages(pagesaMessageWords) }

// pagesaMessageWords are the messages of rejections and batch entry
// (finance.Msg keys, English text as the key, as in messageWords).
var pagesaMessageWords = map[string][2]string{
	"is required when rejecting: write why, so the officer knows what to fix": {"wajib diisi saat menolak: tulis alasan penolakan agar petugas tahu apa yang harus diperbaiki", ""},
	"add at least one row: paste NIKs, NIBs or names, or pick recipients":     {"isi setidaknya satu baris: tempel NIK, NIB atau nama, atau pilih penerima", ""},
	"at most %d rows at once; use the import page for more":                   {"paling banyak %d baris sekaligus; gunakan halaman impor untuk lebih banyak", ""},
	"nothing to add: paste lines or tick recipients first":                    {"belum ada yang ditambahkan: tempel baris atau centang penerima dahulu", ""},
	"no recipient has id %d": {"tidak ada penerima dengan id %d", ""},
	"no recipient has this name, NIK or NIB; register the recipient first": {"tidak ada penerima dengan nama, NIK atau NIB ini; daftarkan penerima dahulu", ""},
	"several recipients match; give the NIK or pick one from the search":   {"beberapa penerima cocok; tulis NIK-nya atau pilih dari pencarian", ""},
}
