package i18n

func init() { RegisterMessages(pagesaMessageWords) }

// pagesaMessageWords are the messages of rejections and batch entry
// (finance.Msg keys, English text as the key, as in messageWords).
var pagesaMessageWords = map[string][2]string{
	"is required when rejecting: write why, so the officer knows what to fix": {"wajib diisi saat menolak: tulis alasan penolakan agar petugas tahu apa yang harus diperbaiki", ""},
}
