package i18n

func init() {
	Register(map[string][2]string{
		"error.request_id":      {"Kode permintaan: %s (sebutkan saat meminta bantuan)", "Request id: %s (quote it when asking for help)"},
		"error.title.forbidden": {"Akses ditolak", "Access denied"},
		"error.title.not_found": {"Tidak ditemukan", "Not found"},
	})
}
